"""Travel: speeds by mode, road capacity that delays arrivals, overnight transit."""

from __future__ import annotations

import numpy as np
from conftest import TINY, make_scenario

from sim.engine.allocation import grouped_fits
from sim.engine.model import run_model
from sim.io.dataset import to_dataset
from sim.world.geography import load_geography


def test_grouped_fits_respects_capacity_in_input_order():
    group = np.array([0, 0, 0, 1, 1, 0])
    amount = np.array([5, 5, 5, 3, 3, 1])
    cap = np.array([11.0, 100.0])
    fits = grouped_fits(group, amount, cap)
    # group 0: 5, 5 fit (10), the third 5 would make 15 > 11 and is refused; so is the later 1
    # (first come, first served: nobody jumps the queue)
    assert fits.tolist() == [True, True, False, True, True, False]
    assert amount[fits & (group == 0)].sum() <= cap[0]


def grouped_fits_by_sorting(group, amount, capacity):
    """The NumPy way it was done before the kernel: groups whose demand fits are granted, the
    rest sorted by group and cut where their running total passes the capacity."""
    out = np.ones(len(group), dtype=bool)
    demand = np.bincount(group, weights=amount, minlength=len(capacity))
    sel = np.flatnonzero((demand > capacity + 1e-9)[group])
    order = np.argsort(group[sel], kind="stable")
    g, amt = group[sel][order], amount[sel][order].astype(np.float64)
    csum = np.cumsum(amt)
    start = np.ones(len(g), dtype=bool)
    start[1:] = g[1:] != g[:-1]
    base = np.maximum.accumulate(np.where(start, csum - amt, 0.0))
    fits = np.empty(len(g), dtype=bool)
    fits[order] = (csum - base) <= capacity[g] + 1e-9
    out[sel] = fits
    return out


def test_grouped_fits_is_the_strict_queue_of_each_group():
    rng = np.random.default_rng(4)
    for _ in range(200):
        n, groups = int(rng.integers(0, 300)), int(rng.integers(1, 12))
        group = rng.integers(0, groups, n)
        amount = rng.integers(1, 12, n).astype(float)
        capacity = np.where(rng.random(groups) < 0.2, 0.0, rng.integers(0, 200, groups) + 0.5)
        got = grouped_fits(group.astype(np.int16), amount, capacity)
        assert np.array_equal(got, grouped_fits_by_sorting(group, amount, capacity))
        for g in range(groups):                       # within capacity, and a strict queue
            mine = group == g
            assert amount[got & mine].sum() <= capacity[g] + 1e-9
            refused = np.flatnonzero(mine & ~got)
            assert not (len(refused) and got[mine & (np.arange(n) > refused[0])].any())


def test_grouped_fits_grants_all_when_demand_fits():
    fits = grouped_fits(np.array([2, 2]), np.array([4, 4]), np.array([0.0, 0.0, 8.0]))
    assert fits.all()


def flow_run(**over):
    sc = make_scenario(days=40, **over)
    return to_dataset(run_model(sc, geography=load_geography(TINY)))


def test_road_capacity_is_never_exceeded_and_delays_arrivals():
    free = flow_run()
    tight = flow_run(movement={"road_capacity_scale": 0.02})   # R1/R2 take 600 people/day
    cap = tight["road_capacity"].values
    for direction in ("road_flow_forward", "road_flow_backward"):   # capacity per direction
        assert np.all(tight[direction].values <= cap[None, :] + 1e-9)
    assert tight["road_flow_forward"].values.max() > 0.9 * cap.min()  # a road did fill up
    assert np.allclose(tight["road_flow"], tight["road_flow_forward"] + tight["road_flow_backward"])
    # the same offensive, slower roads: fewer people have arrived anywhere by each day
    arr_free = free["arrivals"].sum("location").cumsum("time").values
    arr_tight = tight["arrivals"].sum("location").cumsum("time").values
    assert arr_tight[20] < 0.8 * arr_free[20]
    # ... and more people spend nights on the road
    assert tight["in_transit"].sum("location").max() > free["in_transit"].sum("location").max()


def test_people_on_foot_take_longer_than_people_with_vehicles():
    slow = flow_run(movement={"foot_speed_km_per_day": 5.0, "vehicle_speed_km_per_day": 5.0})
    fast = flow_run(movement={"foot_speed_km_per_day": 200.0, "vehicle_speed_km_per_day": 200.0})
    # at 5 km/day the 35 km road from Southtown takes a week: people are in transit overnight
    assert slow["in_transit"].sum("location").max() > 5 * max(fast["in_transit"].sum("location").max(), 1)
    first_arrival = lambda ds: int(np.argmax(ds["arrivals"].sum("location").values > 0))
    assert first_arrival(slow) > first_arrival(fast)
