"""sim.engine.settling: journeys end. Nobody stays in transit longer than the settle limit;
queued households settle in the open where they are and are counted there; waits at a closed
crossing end the same way; journey days are reported."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TESTS, make_scenario
from test_households import households

from sim.engine.households import Status
from sim.engine.model import DisplacementModel
from sim.engine.settling import days_on_the_move, overdue_border_waits, overdue_journeys
from sim.io.dataset import to_dataset
from sim.world.geography import load_geography

# Southtown shelled at full danger, the roads out of Midtown choked (tests/data/tiny_choked),
# so households fleeing Southtown queue for days at Midtown, a safe place.
CHOKED = dict(days=30, region=str(TESTS / "data" / "tiny_choked"),
              conflict={"axes": [], "strikes": [{"place": "Southtown", "start_day": 0,
                                                 "end_day": 40, "level": 1.0}]},
              behaviour={"open_air_move_on_per_day": 0.0}, movement={})


@pytest.fixture(scope="module")
def choked_geo():
    return load_geography(CHOKED["region"])


def test_nobody_stays_in_transit_longer_than_the_settle_limit(choked_geo):
    sc = make_scenario(**{**CHOKED, "movement": {"settle_after_days": 3}})
    model = DisplacementModel(sc, choked_geo)
    longest = []
    while model.running:
        model.step()
        hh = model.households
        moving = np.flatnonzero(hh.status == Status.TRANSIT)
        longest.append(int(days_on_the_move(hh, moving, model.day).max(initial=0)))
    ds = to_dataset(model)
    queued = float(ds["in_transit_queued"].sum())
    assert max(longest) <= 2            # the third day on the move ends in the open
    assert queued > 0 and float(ds["settled_in_open"].sum()) > 0
    # They are counted where they stopped, in the open, and nobody is lost.
    assert float(ds["in_open"].sel(location="Midtown").isel(time=-1)) > 0
    assert np.allclose(ds["in_transit_on_road"] + ds["in_transit_queued"], ds["in_transit"])
    assert (ds["in_transit_on_road"] >= 0).all() and (ds["people_total"] == 30_000).all()
    assert ds["journey_days_p90"] <= 3 and ds["journey_days_median"] >= 1


def test_without_a_limit_queues_last_and_journeys_are_longer(choked_geo):
    limited = to_dataset(_run(choked_geo, settle_after_days=3))
    unlimited = to_dataset(_run(choked_geo, settle_after_days=None))
    def mean_in_transit(ds):
        return float(ds["in_transit"].sum("location").mean())

    assert mean_in_transit(unlimited) > 2 * mean_in_transit(limited)
    assert unlimited["journey_days_p90"] > limited["journey_days_p90"]
    assert float(unlimited["settled_in_open"].sum()) == 0
    # every arrival ends a journey (and so does every settling on the way)
    for ds in (limited, unlimited):
        assert float(ds["journeys_ended"].sum()) >= float(ds["arrivals"].sum())


def _run(geo, settle_after_days):
    sc = make_scenario(**{**CHOKED, "movement": {"settle_after_days": settle_after_days}})
    model = DisplacementModel(sc, geo)
    model.run()
    return model


def test_a_wait_at_a_closed_crossing_ends_in_the_open_there(tiny_geo):
    sc = make_scenario(days=30, behaviour={"border_preference": 4.0, "closed_border_penalty": 0.0,
                                           "border_give_up_per_day": 0.0},
                       movement={"settle_after_days": 4})
    model = _done(sc, tiny_geo)
    ds = to_dataset(model)
    hh = model.households
    waiting = hh.status == Status.BORDER
    assert (model.day - hh.arrival_day[waiting] + 1 < 4).all()      # nobody waits 4 days
    gate = dict(location="Gate")
    assert float(ds["arrivals"].sel(**gate).sum()) > 0
    assert float(ds["in_open"].sel(**gate).isel(time=-1)) > 0      # the border-side camp
    assert float(ds["border_crossings"].sum()) == 0                  # closed all along


def _done(sc, geo):
    model = DisplacementModel(sc, geo)
    model.run()
    return model


def test_overdue_journeys_and_waits_are_picked_exactly():
    hh = households([Status.TRANSIT, Status.TRANSIT, Status.TRANSIT, Status.BORDER, Status.BORDER])
    hh.journey_start_day[:3] = [5, 7, 5]
    hh.location[2] = 1                       # the third is at a place it cannot settle at
    hh.arrival_day[3:] = [4, 8]
    can_settle = np.array([True, False])
    # day 8: journeys of 4, 2 and 4 days; the limit is 4
    assert overdue_journeys(hh, 8, 4, can_settle).tolist() == [0]
    # waits of 5 and 1 days at location 0, closed today
    assert overdue_border_waits(hh, 8, 4, np.array([True, False])).tolist() == [3]
    assert overdue_border_waits(hh, 8, 4, np.array([False, False])).tolist() == []
