"""sim.engine.response: the humanitarian response opens camp capacity after a lag, for the people
left in the open nearby, never beyond a site's land bound or its daily opening limit, and never
at a site under fire or held by the government side."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import TINY, make_scenario

from sim.config.response import ResponseConfig
from sim.engine.model import DisplacementModel
from sim.engine.response import Response
from sim.errors import InputError
from sim.io.dataset import to_dataset
from sim.world.geography import load_geography

LAND_M2 = 450_000            # Northcamp: land for 10,000 more people at Sphere's 45 m2


@pytest.fixture(scope="module")
def land_geo(tmp_path_factory):
    """The tiny region with land for new sites at Northcamp."""
    folder = tmp_path_factory.mktemp("tiny_land") / "region"
    shutil.copytree(TINY, folder)
    (folder / "camp_land.csv").write_text(
        f"place,land_m2,source,note\nNorthcamp,{LAND_M2},test,hand-made\n", encoding="utf-8")
    return load_geography(folder)


def crowded_north(geo, response, days=40, **overrides):
    """The tiny offensive with Northcamp full from the start and everyone keen to go there."""
    # Danger 20 km deep (the calibrated decay) reaches Northcamp past max_destination_danger
    # and stops its response; at 14.8 km it stays a safe site.
    conflict = {"danger_decay_km": 14.8, **overrides.pop("conflict", {})}
    sc = make_scenario(region=str(geo.data_dir), days=days, response=response, conflict=conflict,
                       behaviour={"camp_preference": 3.0, "crowding_weight": 0.0,
                                  "flee_propensity": 9.8, "danger_tolerance": 0.33, "onward_move_cost": 2.0},
                       departure={"preparation_days_mean": 1.0},
                       capacity={"camp_capacity_people": {"Northcamp": 5000},
                                 "shelter_from_open": True}, **overrides)
    model = DisplacementModel(sc, geo)
    model.run()
    return model, to_dataset(model)


RESPONSE = {"share_of_unsheltered_per_day": 0.5, "lag_days": 5, "max_people_per_day_per_site": 800,
            "camp_land_m2_per_person": 45.0}


def test_response_capacity_never_exceeds_the_land_bound_or_the_daily_limit(land_geo):
    model, ds = crowded_north(land_geo, RESPONSE)
    opened = ds["camp_capacity_opened"].sel(location="Northcamp").values
    cap = ds["camp_capacity"].sel(location="Northcamp").values
    scale = 30_000 / 35_000          # land and pace scale with the people, like the capacities
    bound = float(ds["response_land_bound"].sel(location="Northcamp"))
    assert np.isclose(bound, LAND_M2 / 45 * scale)
    assert opened.max() <= 800 * scale
    assert opened.sum() <= bound + 1e-6 and opened.sum() > 0.95 * bound   # it binds
    assert np.allclose(cap, 5000 + np.cumsum(opened))
    assert (ds["camp_capacity_opened"].drop_sel(location="Northcamp") == 0).all()  # no land there
    # The opened places are used, and nobody is admitted over the day's capacity.
    occ = ds["camp_occupancy"].sel(location="Northcamp").values
    assert occ[-1] > 5000 + 0.9 * opened.sum()
    assert np.all(occ <= cap + 1e-9)
    # Denser camps (less land per person) let the same land hold more.
    _, dense = crowded_north(land_geo, {**RESPONSE, "camp_land_m2_per_person": 30.0})
    assert bound < float(dense["camp_capacity_opened"].sum()) <= LAND_M2 / 30 * scale


def test_places_open_only_after_the_lag_and_only_for_people_in_the_open(land_geo):
    model, ds = crowded_north(land_geo, RESPONSE)
    in_open = ds["in_open"].sel(location="Northcamp").values
    opened = ds["camp_capacity_opened"].sel(location="Northcamp").values
    first_open_air = int(np.argmax(in_open > 0))
    assert in_open.max() > 0
    assert opened[: first_open_air + 5].sum() == 0 and opened.sum() > 0
    # The places that open shelter people who would otherwise be in the open.
    _, none = crowded_north(land_geo, {**RESPONSE, "share_of_unsheltered_per_day": 0.0})
    fewer = float(none["in_open"].sel(location="Northcamp").isel(time=-1)) - in_open[-1]
    assert fewer > 0.8 * opened.sum()
    # No offensive, nobody in the open: nothing opens.
    _, calm = crowded_north(land_geo, RESPONSE, conflict={"axes": []})
    assert float(calm["camp_capacity_opened"].sum()) == 0
    # Switched off: nothing opens either.
    assert float(none["camp_capacity_opened"].sum()) == 0


def test_need_is_shared_among_nearby_sites_by_land_left_less_the_free_places(tiny_geo):
    cfg = ResponseConfig(share_of_unsheltered_per_day=1.0, max_people_per_day_per_site=1e9,
                         catchment_km=100.0, camp_land_m2_per_person=1.0)
    land = np.zeros(tiny_geo.n_locations)
    north, host, south = (tiny_geo.index(n) for n in ("Northcamp", "Hostland", "Southtown"))
    land[north], land[host] = 3000.0, 1000.0
    geo = _with_land(tiny_geo, land)
    r = Response(geo, cfg)
    unsheltered = np.zeros(geo.n_locations)
    unsheltered[tiny_geo.index("Midtown")] = 2000.0      # within 100 km of both sites
    free = np.zeros(geo.n_locations)
    free[host] = 100.0
    usable = np.ones(geo.n_locations, bool)
    opened = r.open_places(unsheltered, free, usable)
    assert opened[north] == 1500 and opened[host] == 400      # 3:1 by land, less 100 free
    assert opened[south] == 0
    usable[north] = False                                     # shelled or taken: none there
    again = r.open_places(unsheltered, free, usable)
    assert again[north] == 0 and again[host] == 600           # all the need, up to its land
    assert r.opened_people[host] == 1000
    assert r.open_places(unsheltered, free, usable)[host] == 0   # no land left


def _with_land(geo, land):
    import dataclasses
    return dataclasses.replace(geo, camp_land_m2=land)


def test_camp_land_file_errors_name_the_line_and_the_fix(tmp_path):
    folder = tmp_path / "region"
    shutil.copytree(TINY, folder)
    (folder / "camp_land.csv").write_text("place,land_m2\nNorthcmap,1000\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"camp_land.csv line 2.*Northcmap.*did you mean 'Northcamp'"):
        load_geography(folder)
    (folder / "camp_land.csv").write_text("place,land_m2\nNorthcamp,-5\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        load_geography(folder)
