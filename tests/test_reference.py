"""The vectorised engine against the one-Agent-per-household Mesa reference, statistically.

Both run the same small scenario (roads, camps and the border do not bind, the front stops
early so nobody is displaced twice) with different random streams; the share of households
that flee from each place, the mean day they flee and the shares of destinations they choose
must agree within sampling error.
"""

from __future__ import annotations

import numpy as np
from conftest import make_scenario
from reference_model import ReferenceModel

from sim.engine.model import DisplacementModel

SCENARIO = dict(
    days=30,
    population={"total_people": 60_000},
    conflict={"axes": [{"name": "south", "start": "Southfront", "via": ["Southtown", "Midtown"],
                        "speed_km_per_day": 1.0, "stop_day": 14, "width_km": 2}]},
    behaviour={"crowding_weight": 0.0, "closed_border_penalty": 0.0,
               "open_air_move_on_per_day": 0.0, "border_give_up_per_day": 0.0,
               "fear_memory_days": 0.0, "onward_move_cost": None, "crossing_queue_days": 0.0},
    # The reference is for the decision rules: a household leaves the day it decides, its
    # journey ends where it chose, and it stays there.
    departure={"mode": "immediate"},
    returns={"return_per_day": 0.0},
    capacity={"camp_capacity_people": {"Northcamp": 10_000_000}, "host_capacity_scale": 1000.0},
    movement={"road_capacity_scale": 1000.0, "settle_after_days": None},
)


def engine_outcome(sc, geo, seed):
    model = DisplacementModel(sc, geo, rng=seed)
    while model.running:
        model.step()
    hh = model.households
    fled = hh.displaced_day >= 0
    # with one flight each and no onward moves, where they are is where they chose to go
    dest = np.where(hh.status == 1, hh.destination, hh.location)
    return hh.home, fled, hh.displaced_day, dest


def reference_outcome(sc, geo, seed):
    model = ReferenceModel(sc, geo, seed)
    for _ in range(sc.days):
        model.step()
    agents = list(model.agents)
    home = np.array([a.home for a in agents])
    fled = np.array([a.fled_day is not None for a in agents])
    day = np.array([a.fled_day if a.fled_day is not None else -1 for a in agents])
    dest = np.array([a.first_destination if a.first_destination is not None else -1 for a in agents])
    return home, fled, day, dest


def test_engine_matches_reference_mesa_agents(tiny_geo):
    sc = make_scenario(**SCENARIO)
    e_home, e_fled, e_day, e_dest = engine_outcome(sc, tiny_geo, seed=11)
    r_home, r_fled, r_day, r_dest = reference_outcome(sc, tiny_geo, seed=12)
    checked = 0
    for name in ("Southtown", "Midtown"):
        h = tiny_geo.index(name)
        pe, pr = e_fled[e_home == h].mean(), r_fled[r_home == h].mean()
        n = (e_home == h).sum()
        se = np.sqrt(pe * (1 - pe) / n + pr * (1 - pr) / n) + 1e-9
        assert abs(pe - pr) <= 5 * se, (name, pe, pr)
        if min(pe, pr) > 0.05:
            de, dr = e_day[(e_home == h) & e_fled], r_day[(r_home == h) & r_fled]
            se_day = np.sqrt(de.var() / len(de) + dr.var() / len(dr)) + 1e-9
            assert abs(de.mean() - dr.mean()) <= 5 * se_day, (name, de.mean(), dr.mean())
            checked += 1
    assert checked >= 1          # the test saw real flight, not two empty runs
    # destination shares of everyone who fled
    k = tiny_geo.n_locations
    fe = np.bincount(e_dest[e_fled], minlength=k) / e_fled.sum()
    fr = np.bincount(r_dest[r_fled], minlength=k) / r_fled.sum()
    se = np.sqrt(fe * (1 - fe) / e_fled.sum() + fr * (1 - fr) / r_fled.sum()) + 1e-9
    assert np.all(np.abs(fe - fr) <= 5 * se), (fe, fr)
    assert (fe > 0.05).sum() >= 2   # more than one destination is in play
