"""sim.engine.crossings: when a crossing opens, the news spreads over days and people waiting
within reach go and queue for it, up to its quota. A crossing opened at quota Q beside a large
waiting population lets through at least 90 % of Q within a week."""

from __future__ import annotations

import numpy as np
from conftest import make_scenario
from test_households import households

from sim.config.scenario import BehaviourConfig
from sim.engine.crossings import days_letting_through, heading_for_open_crossings, heard_of
from sim.engine.households import Status
from sim.engine.model import run_model
from sim.engine.routing import Routes
from sim.io.dataset import to_dataset

OPENS, QUOTA = 25, 800
NEWS = {"crossing_news_days": 3.0, "crossing_reach_km": 100.0, "crossing_queue_days": 2.0}


def gate_opens(tiny_geo, news=NEWS):
    """The tiny offensive with Northcamp's camps full and the Gate closed until day 25: by then
    thousands are in the open at Northcamp, 25 km from the Gate, when it opens at a quota."""
    sc = make_scenario(
        days=45, conflict={"axes": [{"name": "south", "start": "Southfront",
                                     "via": ["Southtown", "Midtown"], "start_day": 2,
                                     "speed_km_per_day": 2.0, "width_km": 4, "stop_day": 20}]},
        behaviour={"camp_preference": 3.0, "crowding_weight": 0.0, "onward_move_cost": 2.0,
                   **news},
        capacity={"camp_capacity_people": {"Northcamp": 4000}},
        border={"crossings": {"Gate": [{"day": 0, "status": "closed"},
                                       {"day": OPENS, "status": "quota",
                                        "quota_people_per_day": QUOTA}]}})
    return to_dataset(run_model(sc, geography=tiny_geo))


def test_a_crossing_opened_at_a_quota_beside_many_waiting_reaches_it_within_a_week(tiny_geo):
    ds = gate_opens(tiny_geo)
    crossed = ds["border_crossings"].sel(location="Gate").values
    waiting_before = float(ds["in_open"].sel(location="Northcamp").isel(time=OPENS - 1))
    assert waiting_before > 5 * QUOTA                         # a large waiting population
    assert crossed[:OPENS].sum() == 0
    week = crossed[OPENS: OPENS + 7]
    assert week.max() >= 0.9 * QUOTA                         # the quota is used within a week
    assert np.all(crossed[OPENS + 7: OPENS + 15] >= 0.9 * QUOTA)   # and stays used
    assert np.all(crossed <= QUOTA)
    # The news takes days: the first day sees only the best informed arrive.
    assert crossed[OPENS] < crossed[OPENS + 4]
    # Up to the quota, not a stampede: the queue stays within a few days of it.
    assert float(ds["waiting_at_border"].sel(location="Gate").max()) <= 4 * QUOTA
    # Without the news, far fewer use the quota.
    silent = gate_opens(tiny_geo, news={"crossing_queue_days": 0.0})
    assert silent["border_crossings"].sel(location="Gate").values[OPENS: OPENS + 15].sum() \
        < 0.5 * crossed[OPENS: OPENS + 15].sum()


def test_news_spreads_faster_among_the_well_informed():
    rng = np.random.default_rng(2)
    days = np.full(40_000, 3)
    informed = heard_of(days, np.ones(40_000), 3.0, rng).mean()
    uninformed = heard_of(days, np.zeros(40_000), 3.0, rng).mean()
    assert abs(informed - (1 - np.exp(-1.5))) < 0.01 and abs(uninformed - (1 - np.exp(-0.5))) < 0.01
    assert heard_of(np.zeros(10), np.ones(10), 3.0, rng).sum() == 0     # closed: no news


def test_who_heads_for_which_crossing_up_to_its_room():
    # Places: 0 a closed crossing, 1 a crossing open (quota 10) for 50 days, 2 a town.
    quota = np.array([0.0, 10.0, 0.0])
    days_open = days_letting_through(np.array([[0.0, 10.0, 0.0]] * 50))[-1]
    assert days_open.tolist() == [0, 50, 0]
    hh = households([Status.BORDER, Status.OPEN, Status.OPEN, Status.CAMP, Status.BORDER, Status.OPEN],
                    size=[4, 4, 4, 4, 4, 4])
    hh.location[:] = [0, 2, 2, 2, 1, 2]
    hh.flee_ready_day[5] = 3                     # about to flee instead
    cost = Routes(targets=np.arange(3), slot=np.arange(3), next_hop=np.zeros((3, 3), dtype=np.int32),
                  cost_km=np.array([[0.0, 20.0, 5.0], [20.0, 0.0, 15.0], [5.0, 15.0, 0.0]]),
                  usable=np.ones((0, 2), dtype=bool))
    b = BehaviourConfig(crossing_queue_days=3.0, crossing_reach_km=50.0)
    who, where = heading_for_open_crossings(hh, days_open, quota, cost, b, np.random.default_rng(0))
    # room: 3 days x 10 - 4 queued there = 26 people: 6 families of 4 would need 24 ...
    # candidates: 0 (closed crossing), 1, 2 (open air); not 3 (camp), 4 (queued), 5 (plan)
    assert sorted(who.tolist()) == [0, 1, 2] and (where == 1).all()
    far = BehaviourConfig(crossing_queue_days=3.0, crossing_reach_km=10.0)
    assert len(heading_for_open_crossings(hh, days_open, quota, cost, far,
                                          np.random.default_rng(0))[0]) == 0
    small = BehaviourConfig(crossing_queue_days=1.0, crossing_reach_km=50.0)   # room 6: one family
    assert len(heading_for_open_crossings(hh, days_open, quota, cost, small,
                                          np.random.default_rng(0))[0]) == 1
