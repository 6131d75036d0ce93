"""sim.world.geography: the shipped Idlib region is plausible; bad region folders fail with one line."""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest

from sim.engine.model import DisplacementModel
from sim.errors import InputError
from sim.world.geography import DATA_ROOT, load_geography
from tests.conftest import TINY, make_scenario

IDLIB = DATA_ROOT / "idlib"


# --------------------------------------------------------------------------- shipped region


def test_idlib_loads(idlib_geo):
    assert idlib_geo.n_locations > 20
    assert idlib_geo.n_edges >= idlib_geo.n_locations - 1  # connected needs at least a tree
    assert len(idlib_geo.lat) == len(idlib_geo.lon) == idlib_geo.n_locations


def test_all_26_idlib_subdistricts_have_a_town(idlib_geo):
    with (IDLIB / "subdistricts.csv").open(newline="", encoding="utf-8") as f:
        official = [r["subdistrict"] for r in csv.DictReader(f) if r["governorate"] == "Idleb"]
    assert len(official) == len(set(official)) == 26
    towns = set(idlib_geo.subdistrict[idlib_geo.kind == "town"].tolist())
    missing = sorted(set(official) - towns)
    assert not missing, f"sub-districts without a town row: {missing}"


def test_coordinates_are_in_north_west_syria(idlib_geo):
    lat, lon = idlib_geo.lat, idlib_geo.lon
    assert np.all(np.isfinite(lat)) and np.all(np.isfinite(lon))
    bad = [n for n, a, o in zip(idlib_geo.names, lat, lon)
           if not (35.0 <= a <= 37.5 and 35.8 <= o <= 38.5)]
    assert not bad, f"outside 35-37.5 N / 35.8-38.5 E: {bad}"


def test_exactly_four_crossings(idlib_geo):
    crossings = idlib_geo.crossing_names
    assert len(crossings) == 4
    assert "Bab al-Hawa crossing" in crossings
    assert all(idlib_geo.kind_of(c) == "crossing" for c in crossings)


def test_roads_have_positive_length_and_capacity(idlib_geo):
    assert idlib_geo.n_edges > 0
    assert np.all(idlib_geo.edge_length_km > 0)
    assert np.all(np.isfinite(idlib_geo.edge_length_km))
    assert np.all(idlib_geo.edge_capacity_people_per_day >= 0)
    assert np.all(idlib_geo.edge_from != idlib_geo.edge_to)


def test_groups_exist_and_point_at_real_places(idlib_geo):
    for group in ("northern_aleppo", "idlib_and_western_aleppo"):
        members = idlib_geo.groups[group]
        assert len(members) > 0
        assert all(0 <= i < idlib_geo.n_locations for i in members)
    north = {idlib_geo.names[i] for i in idlib_geo.groups["northern_aleppo"]}
    assert "Afrin" in north


def test_idlib_governorate_population(idlib_geo):
    in_idlib = idlib_geo.governorate == "Idleb"
    assert in_idlib.sum() > 0
    total = idlib_geo.population_people[in_idlib].sum()
    assert 2.5e6 <= total <= 3.2e6, total


def test_graph_is_connected(idlib_geo):
    import networkx as nx

    assert nx.is_connected(idlib_geo.graph())


def test_unknown_region_name():
    with pytest.raises(InputError) as info:
        load_geography("idlibb")
    text = str(info.value)
    assert "\n" not in text and "'idlibb'" in text and "idlib" in text


# --------------------------------------------------------------------------- bad region folders


@pytest.fixture
def region(tmp_path):
    """A writable copy of the tiny region."""
    dest = tmp_path / "region"
    shutil.copytree(TINY, dest)
    return dest


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append_row(path, row: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(row + "\n")


def region_error(folder) -> str:
    with pytest.raises(InputError) as info:
        load_geography(folder)
    text = str(info.value)
    assert "\n" not in text and "Traceback" not in text
    return text


def test_copy_of_tiny_region_loads(region):
    geo = load_geography(region)
    assert geo.names == ["Southtown", "Midtown", "Northcamp", "Gate", "Hostland"]
    assert geo.crossing_names == ["Gate"]
    assert geo.edge_index("Midtown", "Southtown") is not None
    assert geo.edge_index("Southtown", "Gate") is None


def test_road_to_unknown_place(region):
    edit(region / "roads.csv", "Southtown,Midtown,R1", "Southtown,Midtwn,R1")
    text = region_error(region)
    assert "roads.csv line 2" in text
    assert "'Midtwn'" in text and "did you mean 'Midtown'" in text


def test_road_to_unknown_place_later_line(region):
    edit(region / "roads.csv", "Northcamp,Hostland,R4", "Northcmp,Hostland,R4")
    text = region_error(region)
    assert "roads.csv line 5" in text and "from" in text and "'Northcamp'" in text


def test_disconnected_graph(region):
    append_row(region / "locations.csv",
               "Island,town,Isle,D9,Idleb,35.50,36.80,opposition,100,0,0,0,test,test,test,no road")
    text = region_error(region)
    assert "disconnected" in text
    assert "Island" in text
    assert "roads.csv" in text


def test_missing_column(region):
    path = region / "locations.csv"
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fields = [c for c in rows[0] if c != "control_2019"]
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    text = region_error(region)
    assert "locations.csv" in text and "missing column" in text and "control_2019" in text


def test_missing_road_column(region):
    edit(region / "roads.csv", "distance_km,", "length_km,")
    text = region_error(region)
    assert "roads.csv" in text and "distance_km" in text


def test_non_numeric_lat(region):
    edit(region / "locations.csv", "Idleb,35.70,36.60", "Idleb,north,36.60")
    with pytest.raises(InputError) as info:
        load_geography(region)
    assert info.value.field == "lat"
    text = str(info.value)
    assert "locations.csv line 3" in text and "lat" in text and "'north'" in text and "number" in text


def test_zero_road_length(region):
    edit(region / "roads.csv", "R3,local,25,", "R3,local,0,")
    text = region_error(region)
    assert "roads.csv line 4" in text and "distance_km" in text and "> 0" in text


def test_unknown_kind(region):
    edit(region / "locations.csv", "Southtown,town,", "Southtown,hamlet,")
    with pytest.raises(InputError) as info:
        load_geography(region)
    assert info.value.field == "kind"
    text = str(info.value)
    assert "'hamlet'" in text and "line 2" in text and "village" in text


def test_duplicate_place_name(region):
    append_row(region / "locations.csv",
               "Midtown,town,Middle,D1,Idleb,35.71,36.61,opposition,100,0,0,0,test,test,test,dup")
    text = region_error(region)
    assert "duplicate" in text and "'Midtown'" in text and "line 7" in text


def test_missing_locations_csv(region):
    (region / "locations.csv").unlink()
    text = region_error(region)
    assert "locations.csv" in text and "not found" in text


def test_group_with_unknown_place(region):
    append_row(region / "groups.csv", "north,Atlantis,test,")
    text = region_error(region)
    assert "groups.csv" in text and "'Atlantis'" in text


def test_non_numeric_front_point_lat(region):
    edit(region / "front_points.csv", "Southfront,35.30,", "Southfront,south,")
    text = region_error(region)
    assert "front_points.csv" in text and "lat" in text


def test_utf8_bom_from_excel_is_accepted(region):
    path = region / "locations.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    geo = load_geography(region)
    assert geo.names[0] == "Southtown"


def test_latitude_out_of_range(region):
    edit(region / "locations.csv", "Idleb,35.70,36.60", "Idleb,95.70,36.60")
    text = region_error(region)
    assert "lat" in text and "line 3" in text


def test_control_column_may_be_called_control_and_hold_none(region):
    """A region without a front (e.g. a converted FLEE case) names no side: control 'none'."""
    edit(region / "locations.csv", ",control_2019,", ",control,")
    edit(region / "locations.csv", "Midtown,town,Middle,D1,Idleb,35.70,36.60,opposition",
         "Midtown,town,Middle,D1,Idleb,35.70,36.60,none")
    geo = load_geography(region)
    assert geo.control_2019[geo.index("Midtown")] == "none"
    edit(region / "locations.csv", "36.60,none", "36.60,rebels")
    text = region_error(region)
    assert "locations.csv line 3" in text and "control" in text and "'rebels'" in text


def test_the_northern_aleppo_preference_follows_the_regions_group(region):
    b = make_scenario().behaviour
    sc = make_scenario(region=str(region))
    hostland = load_geography(region).index("Hostland")
    assert DisplacementModel(sc).kind_preference[hostland] == b.northern_aleppo_preference
    groups = (region / "groups.csv").read_text().replace("northern_aleppo,Hostland", "east,Hostland")
    (region / "groups.csv").write_text(groups)
    assert DisplacementModel(sc).kind_preference[hostland] == b.host_preference
