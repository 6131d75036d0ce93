"""sim.world.subdistricts: the fine region's communities, P-codes and polygons; bad files fail.

The shipped fine region (``sim/data/idlib``) is checked against its own files: every place
inside its OCHA sub-district polygon, sub-district sums equal to the table's totals and to the
coarse region's 2018-19 totals, and broken copies of it give one clear line and exit 2.
"""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest

from sim.cli.main import main
from sim.errors import InputError
from sim.world.geography import DATA_ROOT, load_geography
from sim.world.subdistricts import BORDER_TOLERANCE_KM, distance_km, inside, read_polygons

FINE = DATA_ROOT / "idlib"
COARSE = DATA_ROOT / "idlib_coarse"


def rows(path):
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def polygons():
    return read_polygons(FINE / "subdistricts.geojson")


# --------------------------------------------------------------------------- the point-in-polygon rule


def test_inside_square_with_a_hole():
    outer = np.array([[0, 0], [4, 0], [4, 4], [0, 4]], float)
    hole = np.array([[1, 1], [3, 1], [3, 3], [1, 3]], float)
    got = inside(np.array([0.5, 2.0, 5.0, 3.5]), np.array([0.5, 2.0, 2.0, 3.5]), [outer, hole])
    assert got.tolist() == [True, False, False, True]


def test_distance_to_a_ring_in_km():
    ring = np.array([[36.0, 35.0], [36.1, 35.0], [36.1, 35.1], [36.0, 35.1]])
    d = distance_km(36.05, 34.99, [ring])      # 0.01 degrees of latitude south of the edge
    assert d == pytest.approx(1.106, rel=0.01)


# --------------------------------------------------------------------------- the shipped fine region


def test_fine_region_has_600_places_and_all_26_idleb_pcodes(idlib_geo):
    assert idlib_geo.n_locations >= 600
    idleb = idlib_geo.governorate == "Idleb"
    pcodes = set(idlib_geo.subdistrict_pcode[idleb])
    assert len(pcodes) == 26 and all(p.startswith("SY07") for p in pcodes)
    assert (idlib_geo.kind == "village").sum() >= 500
    for pc in pcodes:   # every sub-district keeps a named town that scenarios can refer to
        assert ((idlib_geo.subdistrict_pcode == pc) & (idlib_geo.kind == "town")).any(), pc


def test_every_place_has_a_known_pcode(idlib_geo):
    table = set(idlib_geo.subdistricts.pcode)
    assert all(p in table for p in idlib_geo.subdistrict_pcode)
    names = dict(zip(idlib_geo.subdistricts.pcode, idlib_geo.subdistricts.name))
    assert all(names[p] == s for p, s in zip(idlib_geo.subdistrict_pcode, idlib_geo.subdistrict))
    assert all(idlib_geo.subdistricts.name_ar)          # Arabic names for every row


def test_every_community_lies_inside_its_subdistrict_polygon(idlib_geo, polygons):
    geo = idlib_geo
    for pc in set(geo.subdistrict_pcode):
        idx = np.flatnonzero(geo.subdistrict_pcode == pc)
        ok = inside(geo.lon[idx], geo.lat[idx], polygons[pc])
        for i in idx[~ok]:
            assert geo.kind[i] == "crossing", f"{geo.names[i]} outside {pc}"
            assert distance_km(geo.lon[i], geo.lat[i], polygons[pc]) <= BORDER_TOLERANCE_KM
    communities = np.flatnonzero(np.isin(geo.kind, ["village", "town"]) & (geo.governorate == "Idleb"))
    for pc in set(geo.subdistrict_pcode[communities]):
        idx = communities[geo.subdistrict_pcode[communities] == pc]
        assert inside(geo.lon[idx], geo.lat[idx], polygons[pc]).all(), pc


def test_subdistrict_sums_equal_the_table_totals(idlib_geo):
    geo = idlib_geo
    for r in rows(FINE / "subdistricts.csv"):
        here = geo.subdistrict_pcode == r["pcode"]
        assert geo.population_people[here].sum() == int(r["population_2019_people"]), r["pcode"]
        assert geo.idp_people[here].sum() == int(r["idp_people_2019"]), r["pcode"]
        assert geo.host_capacity_people[here].sum() == int(r["host_capacity_people"]), r["pcode"]


def test_fine_totals_equal_the_coarse_2019_figures_per_subdistrict(idlib_geo):
    coarse = load_geography("idlib_coarse")
    for sd in {str(s) for s in coarse.subdistrict[coarse.governorate == "Idleb"]}:
        c = (coarse.subdistrict == sd) & (coarse.governorate == "Idleb")
        f = (idlib_geo.subdistrict == sd) & (idlib_geo.governorate == "Idleb")
        for arr in ("population_people", "idp_people", "host_capacity_people", "camp_capacity_people"):
            assert getattr(idlib_geo, arr)[f].sum() == getattr(coarse, arr)[c].sum(), (sd, arr)
    # the named places of the coarse region all still exist (scenarios name them)
    assert set(coarse.names) <= set(idlib_geo.names)


def test_villages_are_origins_not_destinations(idlib_geo):
    village = idlib_geo.kind == "village"
    assert idlib_geo.population_people[village].sum() > 0.2 * idlib_geo.population_people.sum()
    assert idlib_geo.host_capacity_people[village].sum() == 0
    assert idlib_geo.camp_capacity_people[village].sum() == 0


def test_coarse_region_still_loads_without_pcodes():
    coarse = load_geography("idlib_coarse")
    assert coarse.n_locations == 53 and coarse.subdistricts is None
    assert not any(coarse.subdistrict_pcode)
    assert list(coarse.subdistrict_key[:2]) == list(coarse.subdistrict[:2])   # names stand in


# --------------------------------------------------------------------------- bad geography files


@pytest.fixture
def fine_copy(tmp_path):
    dest = tmp_path / "fine"
    shutil.copytree(FINE, dest, ignore=shutil.ignore_patterns("__init__.py", "*.md"))
    return dest


def rewrite_location(folder, name: str, **changes) -> int:
    """Change columns of one row of locations.csv; return its line number."""
    path = folder / "locations.csv"
    data = rows(path)
    line = next(i for i, r in enumerate(data, start=2) if r["name"] == name)
    data[line - 2].update(changes)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(data[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(data)
    return line


def one_line_error(folder) -> str:
    with pytest.raises(InputError) as info:
        load_geography(folder)
    text = str(info.value)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_community_outside_every_polygon(fine_copy):
    line = rewrite_location(fine_copy, "Dana community 01", lat="34.50000", lon="38.90000")
    text = one_line_error(fine_copy)
    assert "'Dana community 01'" in text and "outside every sub-district polygon" in text
    assert f"locations.csv line {line}" in text and "SY070301" in text


def test_community_in_the_wrong_subdistrict(fine_copy):
    idlib_city = next(r for r in rows(fine_copy / "locations.csv") if r["name"] == "Idlib city")
    rewrite_location(fine_copy, "Dana community 01", lat=idlib_city["lat"], lon=idlib_city["lon"])
    text = one_line_error(fine_copy)
    assert "lies in SY070000 (Idleb)" in text and "SY070301 (Dana)" in text


def test_unknown_pcode(fine_copy):
    line = rewrite_location(fine_copy, "Saraqib", pcode="SY070033")
    text = one_line_error(fine_copy)
    assert "unknown P-code 'SY070033'" in text and "'Saraqib'" in text
    assert f"line {line}" in text and "subdistricts.csv" in text


def test_disconnected_village(fine_copy):
    path = fine_copy / "roads.csv"
    data = rows(path)
    kept = [r for r in data if "Sanjar community 76" not in (r["from"], r["to"])]
    assert len(kept) < len(data)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(data[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(kept)
    text = one_line_error(fine_copy)
    assert "disconnected" in text and "Sanjar community 76" in text


def test_bad_geography_exits_2_with_one_line(fine_copy, tmp_path, capsys):
    rewrite_location(fine_copy, "Saraqib", pcode="SY079999")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: s\nregion: {fine_copy}\nstart_date: 2020-01-01\ndays: 5\n",
                        encoding="utf-8")
    assert main(["check", str(scenario)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unknown P-code 'SY079999'" in err[0]
