"""sim.engine.onward: a household moves on only for a reason. A safe, uncrowded host never
loses people; people in the open at a full place go where there is room; the move cost
(hysteresis) cuts churn."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_scenario

from sim.config.scenario import BehaviourConfig
from sim.engine.decisions import DestinationContext
from sim.engine.model import run_model
from sim.engine.onward import staying_utility
from sim.io.dataset import to_dataset

# Southtown is shelled for five days; its people flee north and the rest of the map is safe.
SHELLED_THEN_CALM = {"axes": [], "strikes": [{"place": "Southtown", "start_day": 0, "end_day": 4,
                                              "level": 1.0}]}


def run(tiny_geo, days=40, **overrides):
    """Nobody goes home here: returns are another reason to leave a place (test_returns.py)."""
    return to_dataset(run_model(make_scenario(days=days, conflict=SHELLED_THEN_CALM,
                                              returns={"return_per_day": 0.0}, **overrides),
                                geography=tiny_geo))


def test_a_safe_uncrowded_host_never_loses_people(tiny_geo):
    """Midtown is close, safe and has room to spare; Hostland is better but further, so the
    logit sends some of Southtown's people to Midtown's hosts. Reviewing every day, they stay:
    Hostland's gain is below the move cost."""
    reviewing = {"northern_aleppo_preference": 1.5, "shelter_review_per_day": 1.0,
                 "open_air_move_on_per_day": 1.0}
    roomy = {"host_capacity_scale": 10.0}
    kept = run(tiny_geo, behaviour={**reviewing, "onward_move_cost": 2.0}, capacity=roomy)
    host = kept["in_host"].sel(location="Midtown").values
    assert host.max() > 500                                   # people did find hosts there ...
    assert host.max() < 0.5 * float(kept["host_capacity"].sel(location="Midtown"))  # with room
    assert float(kept["departures"].sel(location="Midtown").sum()) == 0        # and none left
    assert np.all(np.diff(host) >= 0)
    # Without the move cost the same households trade Midtown's hosts for Hostland's.
    churn = run(tiny_geo, behaviour={**reviewing, "onward_move_cost": 0.0}, capacity=roomy)
    assert float(churn["departures"].sel(location="Midtown").sum()) > 100


def test_people_in_the_open_at_a_full_place_move_where_there_is_room(tiny_geo):
    # Midtown has hardly any host places, so most arrivals there end in the open; Northcamp
    # has room.
    full_midtown = {"host_preference": 2.5, "camp_preference": 0.0, "open_air_move_on_per_day": 0.5}
    capacity = {"host_capacity_scale": 0.05}
    stay = run(tiny_geo, behaviour={**full_midtown, "onward_move_cost": 50.0}, capacity=capacity)
    move = run(tiny_geo, behaviour={**full_midtown, "onward_move_cost": 1.0}, capacity=capacity)
    def at_end(ds, var, place):
        return float(ds[var].sel(location=place).isel(time=-1))

    assert at_end(stay, "in_open", "Midtown") > 1000
    assert at_end(move, "in_open", "Midtown") < 0.3 * at_end(stay, "in_open", "Midtown")
    assert at_end(move, "in_camp", "Northcamp") > at_end(stay, "in_camp", "Northcamp") + 1000


def test_the_move_cost_cuts_churn(tiny_geo):
    churny = {"open_air_move_on_per_day": 0.5, "crowding_weight": 3.0}
    capacity = {"host_capacity_scale": 0.2, "camp_capacity_people": {"Northcamp": 6000}}
    before = run(tiny_geo, behaviour={**churny, "onward_move_cost": None},   # the rule before
                 capacity=capacity)
    after = run(tiny_geo, behaviour={**churny, "onward_move_cost": 2.0}, capacity=capacity)

    def movements_per_displaced(ds):
        return float(ds["departures"].sum()) / float(ds["cumulative_displaced"][-1])

    assert movements_per_displaced(before) > 1.5 * movements_per_displaced(after)
    assert movements_per_displaced(after) >= 1.0


def test_staying_utility_is_the_places_own_utility_with_the_crowding_felt_in_the_open():
    b = BehaviourConfig()
    ctx = DestinationContext(
        route_cost_km=np.zeros((2, 2)), danger=np.array([0.0, 0.2]),
        front_distance_km=np.array([50.0, 300.0]), crowding=np.array([2.0, 5.0]),
        kind_preference=np.array([1.0, 0.3]), closed_crossing=np.zeros(2, bool),
        eligible=np.ones(2, bool))
    u = staying_utility(np.array([0, 1, 1]), np.array([0.5, 1.0, 1.0]),
                        np.array([False, False, True]), ctx, b)
    front = b.front_distance_weight_per_100km
    assert np.isclose(u[0], 1.0 + front * 0.5)
    expected = 0.3 - b.safety_weight * (b.safety_risk_offset - 1.0) * 0.2 + front * 1.5
    assert np.isclose(u[1], expected)
    assert np.isclose(u[2], expected - b.crowding_weight * b.crowding_cap)   # 5 x full: capped


def test_the_utility_table_is_the_destination_utility_of_each_household(tiny_geo):
    """The table (one row per location and vehicle, linear in risk tolerance) gives every
    household exactly what sim.engine.decisions.destination_utility would."""
    from sim.engine.decisions import destination_utility
    from sim.engine.model import DisplacementModel
    from sim.engine.onward import utility_table

    model = DisplacementModel(make_scenario(days=20), tiny_geo)
    for _ in range(12):
        model.step()
    ctx, b = model._destination_context(), model.config.behaviour
    rng = np.random.default_rng(4)
    n = 500
    loc = rng.integers(0, tiny_geo.n_locations, n)
    r, vehicle = rng.random(n), rng.random(n) < 0.5
    direct = destination_utility(loc, r, np.ones(n), vehicle, ctx, b)
    base, slope = utility_table(tiny_geo.n_locations, ctx, b)
    table = base[loc, vehicle.astype(int)] + r[:, None] * slope[loc, vehicle.astype(int)]
    assert np.array_equal(np.isfinite(direct), np.isfinite(table))
    assert np.allclose(direct[np.isfinite(direct)], table[np.isfinite(table)])
    # weighed at some places only: their rows to the last bit, no option anywhere else
    at = np.arange(tiny_geo.n_locations) % 2 == 0
    some_base, some_slope = utility_table(tiny_geo.n_locations, ctx, b, at=at)
    np.testing.assert_array_equal(some_base[at], base[at])
    np.testing.assert_array_equal(some_slope[at], slope[at])
    assert np.isneginf(some_base[~at]).all() and (some_slope[~at] == 0).all()
    assert np.isfinite(base[at]).any()


def test_best_option_gain_is_the_logit_of_the_utility_table_to_the_last_bit():
    # The kernel (numba, one household at a time) against the matrix form of the same rule.
    from sim.engine.onward import best_option_gain
    rng = np.random.default_rng(4)
    n_places, k, n = 25, 12, 5000
    base = rng.normal(0, 2, (n_places, 2, k))
    base[rng.random(base.shape) < 0.2] = -np.inf
    base[:2] = -np.inf                                  # from these places: no option at all
    slope = np.where(np.isfinite(base), rng.normal(0, 1, base.shape), 0.0)
    location, vehicle = rng.integers(0, n_places, n), rng.random(n) < 0.5
    rt = rng.beta(2, 2, n).astype(np.float32)
    staying = rng.normal(0, 1, n)
    pick, gain = best_option_gain(location, rt, vehicle, staying, base, slope, np.random.default_rng(9))
    v = vehicle.astype(np.int64)
    u = base[location, v] + rt[:, None] * slope[location, v]
    top = u.max(axis=1, keepdims=True)
    ok = np.isfinite(top[:, 0])
    cdf = np.cumsum(np.exp(u - np.where(ok[:, None], top, 0.0)), axis=1)
    r = np.random.default_rng(9).random(n) * cdf[:, -1]
    chosen = np.minimum((cdf <= r[:, None]).sum(axis=1), k - 1)
    assert 0 < (~ok).sum() < n
    np.testing.assert_array_equal(pick, np.where(ok, chosen, -1))
    np.testing.assert_array_equal(gain, np.where(ok, u[np.arange(n), chosen] - staying, -np.inf))


@pytest.mark.parametrize("shelter_review", [0.0, 0.2])
def test_only_households_a_review_could_move_take_the_review_draw(shelter_review):
    # Whether a household reviews its place today is drawn only where a review can end in a
    # move (hopeful[in_open, place, vehicle]); elsewhere it would change nothing. The rest is
    # the plain rule: one draw each, in index order, those in the open first; nobody with a
    # plan to flee, nobody already going (listed twice here, as a caller might).
    from test_households import households

    from sim.engine.households import Status
    from sim.engine.onward import reviewing_today
    rng0 = np.random.default_rng(9)
    n = 6000
    status = rng0.choice([int(s) for s in Status], n)
    hh = households(status)
    hh.location[:] = rng0.integers(0, 5, n)
    hh.has_vehicle[:] = rng0.random(n) < 0.4
    hh.flee_ready_day[rng0.random(n) < 0.2] = 4
    going = rng0.choice(n, 300, replace=False)
    going = np.concatenate([going, going[:100]])
    hopeful = rng0.random((2, 5, 2)) < 0.5
    b = BehaviourConfig(shelter_review_per_day=shelter_review, open_air_move_on_per_day=0.3)
    got, in_open = reviewing_today(hh, going, hopeful, b, rng := np.random.default_rng(1))

    free = hh.flee_ready_day < 0
    free[going] = False
    where = hopeful[:, hh.location, hh.has_vehicle.astype(int)]
    in_the_open = np.flatnonzero(free & (status == Status.OPEN) & where[1])
    in_shelter = np.flatnonzero(free & np.isin(status, [Status.CAMP, Status.HOST]) & where[0])
    plain = np.random.default_rng(1)
    want = [in_the_open[plain.random(len(in_the_open)) < 0.3]]
    if shelter_review:
        want.append(in_shelter[plain.random(len(in_shelter)) < shelter_review])
    want = np.concatenate(want)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(in_open, status[want] == Status.OPEN)
    assert rng.bit_generator.state == plain.bit_generator.state        # as many draws
    everyone_open = free & (status == Status.OPEN)
    assert 0 < len(in_the_open) < everyone_open.sum()                   # the filter bites
    assert len(want) > 50 and (shelter_review == 0) == (not np.isin(status[want], [Status.CAMP, Status.HOST]).any())


def test_nobody_reviews_on_a_day_without_room_and_no_draw_is_made():
    from test_households import households

    from sim.engine.households import Status
    from sim.engine.onward import moves_today
    hh = households(np.full(500, int(Status.OPEN)))
    n_loc = 3
    ctx = DestinationContext(
        route_cost_km=np.full((n_loc, n_loc), 10.0), danger=np.zeros(n_loc),
        front_distance_km=np.full(n_loc, 100.0), crowding=np.array([3.0, 3.0, 0.0]),
        kind_preference=np.zeros(n_loc), closed_crossing=np.zeros(n_loc, bool),
        eligible=np.ones(n_loc, bool))
    b = BehaviourConfig(open_air_move_on_per_day=1.0, onward_move_cost=0.5)
    rng = np.random.default_rng(3)
    before = rng.bit_generator.state
    moving, where = moves_today(hh, np.zeros(0, np.int64), ctx, np.zeros(n_loc), b, rng)
    assert len(moving) == len(where) == 0 and rng.bit_generator.state == before
    # with room at place 2 they go there (everyone reviews, and staying in the open is bad)
    moving, where = moves_today(hh, np.zeros(0, np.int64), ctx, np.array([0.0, 0.0, 1e6]), b, rng)
    assert len(moving) == 500 and (where == 2).all()
