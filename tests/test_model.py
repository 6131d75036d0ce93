"""Whole-model behaviour on the tiny geography: conservation, determinism, direction of flight,
re-displacement, and the shipped Idlib scenarios at small scale."""

from __future__ import annotations

import numpy as np
import xarray as xr
from conftest import REPO, TINY, make_scenario

from sim.engine.households import Status
from sim.engine.model import DisplacementModel, run_model
from sim.io.dataset import to_dataset
from sim.world.geography import load_geography
from sim.world.scenarios import load_scenario


def run_tiny(**overrides):
    return run_model(make_scenario(**overrides), geography=load_geography(TINY))


def test_people_are_conserved_at_every_step(tiny_geo):
    model = DisplacementModel(make_scenario(), tiny_geo)
    initial = model.households.people
    while model.running:
        model.step()
        counts = np.bincount(model.households.status, weights=model.households.size,
                             minlength=len(Status))
        assert counts.sum() == initial
        # every status is counted once: home + transit + sheltered + crossed = initial
        assert counts[Status.HOME] + counts[Status.TRANSIT] + counts[[Status.CAMP, Status.HOST,
               Status.OPEN, Status.BORDER]].sum() + counts[Status.CROSSED] == initial
    ds = to_dataset(model)
    assert (ds["people_total"] == initial).all()
    by_loc = (ds["residents_present"] + ds["displaced_present"] + ds["in_transit"]).sum("location")
    assert np.array_equal(by_loc + ds["crossed_border"], ds["people_total"])
    # the demographic groups add up to the displaced people still in the area
    ever_here = ds["displaced_by_group"].sum("group").values
    assert np.all(ever_here <= ds["cumulative_displaced"].values + 1e-9)
    hh = model.households
    still_here = (hh.displaced_day >= 0) & (hh.status != Status.CROSSED)
    assert ever_here[-1] == hh.size[still_here].sum() > 0


def test_same_seed_same_dataset_different_seed_different():
    a = to_dataset(run_tiny())
    b = to_dataset(run_tiny())
    c = to_dataset(run_tiny(seed=2))
    for v in a.data_vars:
        xr.testing.assert_identical(a[v], b[v])
    assert not np.array_equal(a["cumulative_displaced"].values, c["cumulative_displaced"].values)


def test_seed_argument_overrides_scenario_seed(tiny_geo):
    sc = make_scenario(days=15)
    a = to_dataset(run_model(sc, seed=7, geography=tiny_geo))
    b = to_dataset(run_model(make_scenario(days=15, seed=7), geography=tiny_geo))
    assert np.array_equal(a["cumulative_displaced"], b["cumulative_displaced"])
    assert a.attrs["seed"] == 7


def test_households_move_away_from_the_front():
    model = run_tiny()
    hh, geo = model.households, model.geography
    moved = hh.displaced_day >= 0
    assert moved.sum() > 100
    # The front comes from the south: the displaced end up north of where they lived ...
    assert np.all(geo.lat[hh.location[moved]] >= geo.lat[hh.home[moved]])
    assert geo.lat[hh.location[moved]].mean() > geo.lat[hh.home[moved]].mean() + 0.2
    # ... and nobody is sheltering in a place under government control.
    gov_now = model.conflict.government[model.day]
    sheltered = np.isin(hh.status, [Status.CAMP, Status.HOST, Status.OPEN, Status.BORDER])
    assert not gov_now[hh.location[sheltered]].any()


def test_no_offensive_no_displacement():
    model = run_tiny(conflict={"axes": []})
    assert (model.households.displaced_day < 0).all()
    assert to_dataset(model)["cumulative_displaced"].values[-1] == 0


def test_places_far_from_a_small_front_stay_put():
    """Danger below a household's tolerance never empties a place, however long it lasts."""
    model = run_tiny(days=60, conflict={"axes": [{"name": "south", "start": "Southfront",
                                                  "via": ["Southtown"], "speed_km_per_day": 1.0,
                                                  "stop_day": 5, "width_km": 2}]})
    ds = to_dataset(model)
    mid = ds["residents_present"].sel(location="Midtown").values
    assert mid[-1] > 0.95 * mid[0]
    south = ds["residents_present"].sel(location="Southtown").values
    assert south[-1] < 0.5 * south[0]


def test_redisplacement_when_the_front_reaches_a_host_area():
    """People who fled Southtown to Midtown flee again when the front reaches Midtown."""
    model = run_tiny(days=60, behaviour={"host_preference": 3.0, "crowding_weight": 0.0,
                                         "front_distance_weight_per_100km": 0.0})
    hh = model.households
    from_south = hh.home == model.geography.index("Southtown")
    assert (hh.times_displaced[from_south] >= 2).sum() > 0
    ds = to_dataset(model)
    assert ds["cumulative_flights"].values[-1] > ds["cumulative_displaced"].values[-1]


def test_shipped_scenarios_run_at_small_scale(idlib_geo):
    for name in ("idlib_full_assault", "idlib_southern_offensive", "idlib_border_open",
                 "baseline_no_offensive"):
        sc = load_scenario(REPO / "scenarios" / f"{name}.yaml", idlib_geo)
        sc = sc.model_copy(update={"days": 60, "population":
                                   sc.population.model_copy(update={"total_people": 50_000})})
        ds = to_dataset(run_model(sc, geography=idlib_geo))
        assert (ds["people_total"] == 50_000).all()
        if name == "baseline_no_offensive":
            assert ds["cumulative_displaced"].values[-1] == 0
        else:
            assert ds["cumulative_displaced"].values[-1] > 0


def test_border_open_lets_people_cross_and_closed_does_not(idlib_geo):
    def run(name):
        sc = load_scenario(REPO / "scenarios" / f"{name}.yaml", idlib_geo)
        sc = sc.model_copy(update={"days": 90, "population":
                                   sc.population.model_copy(update={"total_people": 200_000})})
        return to_dataset(run_model(sc, geography=idlib_geo))

    closed, opened = run("idlib_full_assault"), run("idlib_border_open")
    assert closed["crossed_border"].values[-1] == 0
    assert closed["waiting_at_border"].sum("location").values.max() > 0
    assert opened["crossed_border"].values[-1] > 0
    # nobody crosses before the crossings open on day 14
    assert opened["border_crossings"].isel(time=slice(0, 14)).sum() == 0


def test_no_new_flight_after_a_ceasefire():
    ds = to_dataset(run_tiny(days=40, conflict={"ceasefire_day": 15}))
    flights = ds["flights"].sum("location").values
    assert flights[:15].sum() > 0
    assert flights[15:].sum() == 0


def test_capacities_scale_with_the_population(tiny_geo):
    small = DisplacementModel(make_scenario(population={"total_people": 15000}), tiny_geo)
    full = DisplacementModel(make_scenario(population={"total_people": 30000}), tiny_geo)
    camp = tiny_geo.index("Northcamp")
    assert np.isclose(small.camp_capacity[camp] * 2, full.camp_capacity[camp])
    # explicit capacities are taken as given
    fixed = DisplacementModel(make_scenario(population={"total_people": 15000},
                                            capacity={"camp_capacity_people": {"Northcamp": 999}}),
                              tiny_geo)
    assert fixed.camp_capacity[camp] == 999


def test_groups_leave_the_displaced_count_when_they_cross():
    model = run_tiny(days=40, border={"default": [{"day": 0, "status": "open"}]},
                     behaviour={"border_preference": 3.0, "closed_border_penalty": 0.0})
    ds = to_dataset(model)
    hh = model.households
    assert ds["crossed_border"].values[-1] > 0
    still_here = (hh.displaced_day >= 0) & (hh.status != Status.CROSSED)
    assert ds["displaced_by_group"].isel(time=-1).sum() == hh.size[still_here].sum()
    assert np.isclose(ds["displaced_by_group"].isel(time=-1).sel(group="children"),
                      hh.children[still_here].sum())
