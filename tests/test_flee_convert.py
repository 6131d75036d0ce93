"""A FLEE case as our region folder and scenario (sim/io/flee/convert.py, scenario.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.config.loading import read_scenario
from sim.io.flee import import_case
from sim.io.flee.case import read_input_folder
from sim.io.flee.convert import UNLIMITED_PEOPLE
from sim.io.flee.scenario import FLEE_DEFAULTS
from sim.world.conflict import build_timeline
from sim.world.geography import load_geography
from sim.world.scenarios import load_scenario

DATA = Path(__file__).parent / "data" / "flee"
ALPHA, BETA = DATA / "alpha", DATA / "beta"


@pytest.fixture(scope="module")
def alpha(tmp_path_factory):
    out = tmp_path_factory.mktemp("regions") / "alpha"
    return import_case(ALPHA / "input_csv", out, validation=ALPHA / "source_data")


@pytest.fixture(scope="module")
def beta(tmp_path_factory):
    out = tmp_path_factory.mktemp("regions") / "beta"
    return import_case(BETA / "input_csv", out, validation=BETA / "source_data")


def test_region_folder_loads_as_a_geography(alpha):
    geo = load_geography(alpha.region.folder)
    kind = dict(zip(geo.names, geo.kind))
    assert kind == {"Arbor": "town", "Brook": "town", "Tarn": "town", "Hub": "town", "Mark": "town",
                    "Inner": "camp", "CampOne": "camp", "CampTwo": "camp"}
    cap = dict(zip(geo.names, geo.camp_capacity_people))
    assert cap["CampOne"] == 20000 and cap["Inner"] == 5000 and cap["CampTwo"] == UNLIMITED_PEOPLE
    assert (geo.host_capacity_people == 0).all()            # towns are passed, not settled
    pop = dict(zip(geo.names, geo.population_people))
    assert pop["Arbor"] == 120000 and pop["CampOne"] == 0
    assert set(geo.control_2019) == {"none"}
    assert geo.n_edges == 8 and geo.edge_length_km[geo.edge_index("Hub", "CampOne")] == 50.0
    assert {geo.names[i] for i in geo.groups["Beland"]} == {"CampOne", "CampTwo"}
    assert geo.subdistrict_names == ["North Aland", "South Aland"]       # origins: populated regions


def test_conversion_repairs_and_reports(beta):
    geo = load_geography(beta.region.folder)
    assert "Lonely" not in geo.names                         # no route: left out, and said so
    assert any("Lonely" in n for n in beta.notes)
    assert geo.edge_length_km[geo.edge_index("Pass", "Gate Camp")] == 70    # the shorter twin
    assert any("listed twice" in n for n in beta.notes)
    assert dict(zip(geo.names, geo.camp_capacity_people))["Gate Camp"] == 12000
    assert "Changes made in conversion" in (beta.region.folder / "sources.md").read_text()


def test_conflicts_become_danger_at_the_zones(alpha):
    sc = load_scenario(alpha.scenario_path)
    geo = load_geography(sc.region)
    danger = build_timeline(sc, geo).danger
    col = {n: danger[:, geo.index(n)] for n in ("Arbor", "Brook", "Tarn")}
    assert (col["Arbor"] == 1).all()
    assert (col["Brook"][:5] == 0).all() and (col["Brook"][5:20] == 0.5).all() and \
        (col["Brook"][20:] == 1).all()
    assert (col["Tarn"] == 0).all()                           # no fighting, no danger


def test_conflict_dates_without_conflicts_csv(beta):
    sc = load_scenario(beta.scenario_path)
    danger = build_timeline(sc, load_geography(sc.region)).danger
    geo = load_geography(sc.region)
    lumo = danger[:, geo.index("Lumo")]
    assert (lumo[:12] == 0).all() and (lumo[12:] == 1).all()


def test_every_closure_type_closes_the_right_roads(alpha):
    sc = load_scenario(alpha.scenario_path)
    geo = load_geography(sc.region)
    cut = build_timeline(sc, geo).road_cut

    def closed(a, b):
        return set(np.flatnonzero(cut[:, geo.edge_index(a, b)]).tolist())

    assert closed("Tarn", "Hub") == set(range(10, 20))                        # link, reopens day 20
    # country Aland-Beland days 50-59: every road across the border, and only those
    assert closed("Hub", "CampOne") == set(range(50, 60))
    assert closed("Mark", "CampTwo") == set(range(40, 45)) | set(range(50, 60)) | set(range(70, 80))
    assert closed("Tarn", "Mark") == closed("Brook", "Mark") == set(range(70, 80))  # location Mark
    assert closed("Arbor", "Inner") == set(range(30, 90))                     # idpcamp, -1: to the end
    assert closed("Arbor", "Tarn") == closed("Brook", "Tarn") == set()


def test_scenario_carries_flee_defaults_and_spawning(alpha):
    sc = read_scenario(alpha.scenario_path)
    assert sc.start_date.isoformat() == "2015-05-01" and sc.days == 90
    assert sc.movement.vehicle_speed_km_per_day == FLEE_DEFAULTS["movement"]["vehicle_speed_km_per_day"]
    assert sc.capacity.camp_capacity_scale == 1.0 and sc.population.vehicle_share == 1.0
    assert sc.spawning.mode == "observed_total"
    # the total FLEE spawns from is the sum of the (corrected) camp counts
    assert list(sc.spawning.observed_total_people) == alpha.counts.people.sum(axis=1).tolist()
    assert sc.spawning.initial_people_by_place == {"CampOne": 1333, "CampTwo": 500, "Inner": 500}
    assert Path(sc.region) == alpha.region.folder.resolve()   # region: ../alpha, next to the file


def test_without_observations_the_flight_model_runs_on_populations(tmp_path):
    imp = import_case(ALPHA, tmp_path / "alpha")
    sc = load_scenario(imp.scenario_path)
    assert sc.spawning.mode == "off"
    case = read_input_folder(ALPHA)
    assert sc.population.total_people == sum(loc.population for loc in case.locations
                                             if not loc.is_camp)


def test_total_file_option(tmp_path):
    imp = import_case(ALPHA, tmp_path / "a", validation=ALPHA / "source_data", from_total_file=True)
    total = imp.scenario["spawning"]["observed_total_people"]
    assert total[0] == 3000 and total[31] == 14000                 # the total.csv row, interpolated
