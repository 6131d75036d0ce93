"""Admission: camps never over capacity, overflow into the open, border policy obeyed."""

from __future__ import annotations

import numpy as np
from conftest import TINY, make_scenario

from sim.engine.model import run_model
from sim.io.dataset import to_dataset
from sim.world.geography import load_geography

PUSH_NORTH = {"camp_preference": 2.0, "border_preference": 3.0, "closed_border_penalty": 0.0,
              "crowding_weight": 0.0}


def run(**over):
    return to_dataset(run_model(make_scenario(**over), geography=load_geography(TINY)))


def test_camp_capacity_is_never_exceeded_and_the_rest_sleep_in_the_open():
    ds = run(days=40, capacity={"camp_capacity_people": {"Northcamp": 6000}},
             behaviour={"camp_preference": 3.0, "crowding_weight": 0.0})
    occ = ds["camp_occupancy"].sel(location="Northcamp").values
    assert np.all(occ <= 6000)
    assert occ.max() > 5900                       # it did fill
    assert ds["camp_overflow"].sel(location="Northcamp").values.max() > 0
    # the overflow is reported, not hidden: people at the camp = occupancy + in the open
    here = ds.sel(location="Northcamp")
    assert np.allclose(here["residents_present"] + here["in_camp"], here["camp_occupancy"])


def test_host_capacity_is_never_exceeded():
    ds = run(days=40, behaviour={"host_preference": 3.0, "crowding_weight": 0.0})
    assert np.all(ds["in_host"].values <= ds["host_capacity"].values[None, :] + 1e-9)


def test_nobody_passes_a_closed_crossing():
    ds = run(days=40, behaviour=PUSH_NORTH)
    assert ds["crossed_border"].values.max() == 0
    assert ds["waiting_at_border"].sel(location="Gate").values.max() > 0


def test_quota_is_respected_each_day_and_open_lets_all_through():
    quota = 300
    ds = run(days=40, behaviour=PUSH_NORTH, border={"crossings": {"Gate": [
        {"day": 0, "status": "closed"}, {"day": 15, "status": "quota", "quota_people_per_day": quota}]}})
    daily = ds["border_crossings"].sel(location="Gate").values
    assert daily[:15].sum() == 0
    assert np.all(daily <= quota)
    assert daily[15:].sum() > 0
    opened = run(days=40, behaviour=PUSH_NORTH, border={"default": [{"day": 0, "status": "open"}]})
    assert opened["crossed_border"].values[-1] > 0
    assert opened["waiting_at_border"].values.max() == 0   # nobody waits at an open border


def test_people_in_the_open_take_places_that_free_up_longest_waiting_first():
    """Hand-made: a camp cluster with 10 places, three families of four in the open there
    (arrived on days 3, 1 and 2) and one arriving today. The two longest waiting get the
    places; without shelter_from_open nobody in the open does."""
    from test_households import households

    from sim.engine.admission import admit
    from sim.engine.households import Status
    from sim.world.border import build_border_timeline

    geo = load_geography(TINY)
    camp = geo.index("Northcamp")
    sc = make_scenario(days=10)
    border = build_border_timeline(sc, geo)
    capacity = np.zeros(geo.n_locations)
    capacity[camp] = 10
    for shelter, sheltered in ((True, [1, 2]), (False, [])):
        hh = households([Status.OPEN, Status.OPEN, Status.OPEN, Status.TRANSIT], size=[4, 4, 4, 4])
        hh.location[:] = camp
        hh.destination[3] = camp
        hh.arrival_day[:3] = [3, 1, 2]
        admit(hh, np.array([3]), geo, capacity, np.zeros(geo.n_locations), border, 5,
              np.random.default_rng(0),
              shelter_open_at=np.ones(geo.n_locations, bool) if shelter else None)
        in_camp = np.flatnonzero(hh.status == Status.CAMP).tolist()
        assert in_camp == (sheltered if shelter else [3])
        assert (hh.status == Status.OPEN).sum() == (2 if shelter else 3)
