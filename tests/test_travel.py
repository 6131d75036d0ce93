"""sim.engine.travel on hand-made households: each road takes people in the day's random order
as a strict queue up to its capacity, every household's new place is written to its own row,
and the counts the transitions keep stay equal to a fresh count."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import TINY
from test_households import households

from sim.engine import routing
from sim.engine.households import Status
from sim.engine.travel import travel
from sim.world.geography import load_geography

FOOT_KM, VEHICLE_KM = 20.0, 100.0          # R1 Southtown-Midtown and R2 Midtown-Northcamp: 35 km


@pytest.fixture(scope="module")
def tiny():
    geo = load_geography(TINY)
    n = geo.n_locations
    routes = routing.plan_routes(geo, np.zeros(n, bool), np.zeros(geo.n_edges, bool), np.zeros(n), 0.0)
    return geo, routes


def on_the_road(geo, n: int, seed: int, vehicle_share: float = 0.5):
    """``n`` households in transit at Southtown, heading for Northcamp, of 1-9 people."""
    rng = np.random.default_rng(seed)
    hh = households([Status.TRANSIT] * n, size=rng.integers(1, 10, n))
    hh.location[:] = geo.index("Southtown")
    hh.destination[:] = geo.index("Northcamp")
    hh.by_vehicle[:] = rng.random(n) < vehicle_share
    return hh


def capacities(geo, r1: float, r2: float) -> np.ndarray:
    cap = np.full(geo.n_edges, 1e9)
    cap[geo.edge_index("Southtown", "Midtown")] = r1
    cap[geo.edge_index("Midtown", "Northcamp")] = r2
    return cap


@pytest.mark.parametrize("seed", range(6))
def test_a_full_road_takes_the_days_random_order_as_a_strict_queue(tiny, seed):
    geo, routes = tiny
    hh = on_the_road(geo, 60, seed)
    cap = capacities(geo, r1=80.0, r2=1e9)
    res = travel(hh, routes, geo, cap, VEHICLE_KM, FOOT_KM, np.random.default_rng(seed))
    # travel's first draw is the day's order of the households in transit (all of them here)
    order = np.random.default_rng(seed).permutation(len(hh))
    fits = np.cumsum(hh.size[order].astype(float)) <= 80.0
    got_on = order[:np.argmin(fits)] if not fits.all() else order   # up to the first that does not fit
    left_behind = np.setdiff1d(np.arange(len(hh)), got_on)
    assert hh.size[got_on].sum() <= 80 < hh.size[got_on].sum() + hh.size[order[len(got_on)]]
    e = geo.edge_index("Southtown", "Midtown")
    assert res.flow_people[e, 0] == hh.size[got_on].sum()
    # the rest wait at Southtown overnight, on no road
    assert (hh.location[left_behind] == geo.index("Southtown")).all()
    assert (hh.next_node[left_behind] == -1).all() and (hh.progress_km[left_behind] == 0).all()
    # each household that got on is where its own speed took it
    foot = got_on[~hh.by_vehicle[got_on]]
    assert (hh.location[foot] == geo.index("Southtown")).all()
    assert (hh.next_node[foot] == geo.index("Midtown")).all()
    np.testing.assert_array_equal(hh.progress_km[foot], FOOT_KM)
    by_car = got_on[hh.by_vehicle[got_on]]            # 100 km: both roads (70 km), arrived
    assert sorted(res.arrived.tolist()) == sorted(by_car.tolist())
    assert (hh.location[by_car] == geo.index("Northcamp")).all() and (hh.destination[by_car] == 2).all()
    assert len(res.stuck) == 0
    hh.check_ledger(day=0, by_status=hh.head_count(geo.n_locations))   # counts by place kept
    np.testing.assert_array_equal(hh.tally(geo.n_locations), hh.head_count(geo.n_locations))


@pytest.mark.parametrize("seed", range(4))
def test_the_second_road_is_a_queue_of_those_the_first_let_through(tiny, seed):
    geo, routes = tiny
    hh = on_the_road(geo, 50, seed, vehicle_share=1.0)
    hh.tally(geo.n_locations)                         # counts kept from now on
    res = travel(hh, routes, geo, capacities(geo, r1=1e9, r2=60.0), VEHICLE_KM, FOOT_KM,
                 np.random.default_rng(seed))
    order = np.random.default_rng(seed).permutation(len(hh))
    fits = np.cumsum(hh.size[order].astype(float)) <= 60.0
    through = order[:np.argmin(fits)]
    assert sorted(res.arrived.tolist()) == sorted(through.tolist())
    waiting = np.setdiff1d(np.arange(len(hh)), through)     # at Midtown, queued for R2
    assert (hh.location[waiting] == geo.index("Midtown")).all() and (hh.next_node[waiting] == -1).all()
    midtown = geo.index("Midtown")
    assert hh.queued(geo.n_locations)[midtown] == hh.size[waiting].sum()
    np.testing.assert_array_equal(hh.tally(geo.n_locations), hh.head_count(geo.n_locations))
    hh.check_ledger(day=0, by_status=hh.head_count(geo.n_locations))


def test_a_cut_road_turns_travellers_back_and_a_lost_route_is_reported(tiny):
    geo, _ = tiny
    n = geo.n_locations
    hh = on_the_road(geo, 4, seed=0, vehicle_share=0.0)
    hh.next_node[:2] = geo.index("Midtown")           # two already on R1, 10 km along
    hh.progress_km[:2] = 10.0
    cut = np.zeros(geo.n_edges, bool)
    cut[geo.edge_index("Southtown", "Midtown")] = True
    routes = routing.plan_routes(geo, np.zeros(n, bool), cut, np.zeros(n), 0.0)
    res = travel(hh, routes, geo, capacities(geo, 1e9, 1e9), VEHICLE_KM, FOOT_KM,
                 np.random.default_rng(1))
    assert (hh.location == geo.index("Southtown")).all() and (hh.next_node == -1).all()
    assert (hh.progress_km == 0).all()                # back at the node they came from
    assert sorted(res.stuck.tolist()) == [0, 1, 2, 3] and len(res.arrived) == 0
    assert res.flow_people.sum() == 0
