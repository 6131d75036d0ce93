"""``idlib-sim bench --vs-flee`` (sim/analysis/flee_bench.py, sim/io/flee/export.py): a region
written as a FLEE case reads back through our FLEE reader as the same graph, a missing FLEE is
one line and exit 2, and (with FLEE installed) the comparison runs; timings are never asserted."""

from __future__ import annotations

import json
import sys
import types
from datetime import date

import pytest

from sim.analysis.flee_bench import conflict_zones
from sim.cli.main import main
from sim.errors import InputError
from sim.io.flee import import_case, read_input_folder
from sim.io.flee.export import location_rows, write_case_folder
from sim.world.geography import load_geography
from tests.conftest import make_scenario
from tests.test_cli import main_exit_code, one_line, write_tiny

FLEE_TYPE_OF = {"town": "town", "village": "town", "crossing": "town", "camp": "camp",
                "external": "camp"}


def write_case(geo, tmp_path, zones=(), days=5):
    return write_case_folder(geo, tmp_path / "case", conflict_zones=zones, days=days,
                             start_date=date(2019, 4, 1))


# ----------------------------------------------------------------- the region as a FLEE case


def test_region_reads_back_as_the_same_places_and_roads(idlib_geo, tmp_path):
    geo = idlib_geo
    zones = ("Saraqib", "Idlib city")
    case = read_input_folder(write_case(geo, tmp_path, zones, days=7))
    assert [loc.name for loc in case.locations] == geo.names
    assert case.period.days == 7 and case.period.start_date == date(2019, 4, 1)
    assert case.closures == ()
    for i, loc in enumerate(case.locations):
        kind = str(geo.kind[i])
        if loc.name in zones:
            assert (loc.location_type, loc.conflict_day) == ("conflict_zone", 0)
        else:
            assert loc.location_type == FLEE_TYPE_OF[kind], loc.name
        expected = {"camp": geo.camp_capacity_people[i], "external": geo.host_capacity_people[i],
                    "crossing": 0}.get(kind, geo.population_people[i])
        assert loc.population == round(expected), loc.name
        assert (loc.lat, loc.lon) == pytest.approx((geo.lat[i], geo.lon[i]), abs=1e-6)
        assert loc.region == geo.subdistrict[i]
    assert len(case.routes) == geo.n_edges
    for e, r in enumerate(case.routes):
        assert geo.edge_index(r.name1, r.name2) == e
        assert r.distance_km == pytest.approx(geo.edge_length_km[e])
        assert r.forced_redirection == 0
    assert sorted(case.camps) == sorted(n for n, k in zip(geo.names, geo.kind)
                                        if k in ("camp", "external"))


def test_region_round_trips_into_a_region_folder(tiny_geo, tmp_path):
    """Ours -> FLEE case -> flee-import's region: the same places joined by the same roads."""
    inputs = write_case(tiny_geo, tmp_path, ("Southtown",))
    imported = import_case(inputs, tmp_path / "region", spawning=False)
    back = load_geography(imported.region.folder)
    assert back.names == tiny_geo.names
    assert back.n_edges == tiny_geo.n_edges
    for a, b, km in zip(tiny_geo.edge_from, tiny_geo.edge_to, tiny_geo.edge_length_km):
        e = back.edge_index(tiny_geo.names[a], tiny_geo.names[b])
        assert e is not None and back.edge_length_km[e] == pytest.approx(km)


def test_unknown_conflict_zone_is_refused_before_writing(tiny_geo, tmp_path):
    with pytest.raises(InputError, match="'Nowhere'"):
        location_rows(tiny_geo, ["Southtown", "Nowhere"])
    with pytest.raises(InputError, match="not places of region"):
        write_case(tiny_geo, tmp_path, ("Nowhere",))
    assert not (tmp_path / "case").exists()


def test_conflict_zones_are_the_places_under_attack(tiny_geo):
    sc = make_scenario(conflict={"strikes": [{"place": "Northcamp", "start_day": 0,
                                              "end_day": 3, "level": 0.5}]})
    # The axis's start "Southfront" is a front point, not a place.
    assert conflict_zones(sc, tiny_geo) == ("Southtown", "Midtown", "Northcamp")
    quiet = make_scenario(conflict={"axes": []})
    most_people = tiny_geo.names[int(tiny_geo.population_people.argmax())]
    assert conflict_zones(quiet, tiny_geo) == (most_people,) == ("Hostland",)


# ----------------------------------------------------------------- without FLEE


@pytest.fixture
def no_flee(monkeypatch):
    """Importing ``flee`` fails, as when the extra is not installed."""
    for name in list(sys.modules):
        if name == "flee" or name.startswith("flee."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "flee", None)


def test_without_flee_one_line_naming_the_fix_and_exit_2(no_flee, monkeypatch, capsys):
    import sim.analysis.flee_bench as fb

    def no_run(*args, **kwargs):
        raise AssertionError("our model ran although FLEE is missing")

    monkeypatch.setattr(fb, "benchmark_run", no_run)
    assert main_exit_code(["bench", "--vs-flee"]) == 2
    captured = capsys.readouterr()
    line = one_line(captured.err)
    assert "flee 3.1 is not installed" in line and "pip install -e '.[bench]'" in line
    assert captured.out == ""


def test_another_flee_version_is_named(monkeypatch, capsys):
    fake = types.ModuleType("flee")
    fake.__version__ = "v3.0"
    monkeypatch.setitem(sys.modules, "flee", fake)
    monkeypatch.setitem(sys.modules, "flee.flee", types.ModuleType("flee.flee"))
    assert main_exit_code(["bench", "--vs-flee"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "flee 3.0 is installed" in line and "needs 3.1" in line


@pytest.mark.parametrize("flag", [["--repeat", "2"], ["--days", "3"], ["--out", "x"]])
def test_vs_flee_refuses_the_single_run_flags(flag, capsys):
    assert main_exit_code(["bench", "--vs-flee", *flag]) == 2
    assert "--vs-flee" in one_line(capsys.readouterr().err)


# ----------------------------------------------------------------- with FLEE


def test_flee_runs_every_agent_on_the_graph(tiny_geo, tmp_path):
    pytest.importorskip("flee")
    from sim.analysis.flee_bench import run_flee

    inputs = write_case(tiny_geo, tmp_path, ("Southtown",), days=3)
    cost = run_flee(inputs.parent, agents=300, days=3, seed=1)
    assert (cost.people, cost.days, cost.displaced) == (300, 3, 300.0)
    assert cost.simulate.cpu_s > 0
    assert cost.cpu_us_per_person_day == pytest.approx(cost.simulate.cpu_s / 900 * 1e6)


def test_vs_flee_prints_both_side_by_side(tmp_path, capsys):
    pytest.importorskip("flee")
    path = write_tiny(tmp_path)
    assert main(["bench", str(path), "--vs-flee", "--flee-days", "2", "--flee-agents", "200",
                 "--people", "20000"]) == 0
    lines = capsys.readouterr().out.splitlines()
    (people,) = [x for x in lines if x.startswith("people (agents)")]
    assert people.split()[-2:] == ["20,000", "200"]
    assert any(x.startswith("us/person-day, CPU") for x in lines)
    assert any(x.startswith("ratio FLEE / ours") for x in lines)
    # Four days: the tiny axis starts on day 2, so some of ours are displaced by the end.
    assert main(["bench", str(path), "--vs-flee", "--flee-days", "4", "--flee-agents", "200",
                 "--json"]) == 0
    data = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert data["conflict_zones"] == ["Southtown", "Midtown"]
    assert (data["ours"]["days"], data["flee"]["people"]) == (4, 200)
    assert 0 < data["ours"]["displaced"] < data["ours"]["people"]
    flee_us = data["flee"]["simulate"]["cpu_s"] / 800 * 1e6
    ours_us = data["ours"]["simulate"]["cpu_s"] / (data["ours"]["people"] * 4) * 1e6
    assert data["ratio"] == pytest.approx(flee_us / ours_us)
    ours_displaced_us = data["ours"]["simulate"]["cpu_s"] / (data["ours"]["displaced"] * 4) * 1e6
    assert data["displaced_ratio"] == pytest.approx(flee_us / ours_displaced_us)


def test_costs_per_person_day_and_per_displaced_day():
    from sim.analysis.benchmark import Phase
    from sim.analysis.flee_bench import FleeComparison, ModelCost

    ours = ModelCost("ours", 1_000_000, 5, Phase(1, 1), Phase(2.0, 1.0), 10_000.0)
    flee = ModelCost("flee", 1_000, 5, Phase(1, 1), Phase(4.0, 2.0), 1_000.0)
    c = FleeComparison("s", 3, 2, ("a",), ours, flee)
    assert ours.cpu_us_per_person_day == pytest.approx(0.2)
    assert flee.wall_us_per_person_day == pytest.approx(800.0)
    assert c.ratio == pytest.approx(2000.0) and c.wall_ratio == pytest.approx(2000.0)
    assert c.displaced_ratio == pytest.approx(400.0 / 20.0)
    nobody = ModelCost("ours", 10, 5, Phase(1, 1), Phase(1, 1), 0.0)
    assert nobody.cpu_us_per_displaced_day != nobody.cpu_us_per_displaced_day   # NaN
