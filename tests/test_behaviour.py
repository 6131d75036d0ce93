"""Decision rules: flight rises with danger and falls with tolerance; destinations are safe,
reachable and chosen with multinomial-logit frequencies."""

from __future__ import annotations

import numpy as np
import pytest

from sim.config.scenario import BehaviourConfig
from sim.engine.decisions import (
    DestinationContext,
    choose_destinations,
    decide_to_flee,
    destination_utility,
    flee_probability,
)
from sim.engine.households import Status

B = BehaviourConfig()


def p_flee(danger, rt=0.5, info=1.0, vehicle=True, idp=False, departed=0.0, front_km=np.inf, b=B):
    n = np.size(danger)
    full = lambda v, dt=float: np.full(n, v, dtype=dt)
    return flee_probability(np.atleast_1d(danger).astype(float), full(front_km), full(departed),
                            full(rt), full(info), full(vehicle, bool), full(idp, bool), b)


def test_flight_rises_with_danger_and_is_zero_below_tolerance():
    danger = np.linspace(0, 1, 21)
    p = p_flee(danger)
    assert np.all(np.diff(p) >= 0) and p[-1] > 0.5
    tolerated = 0.5 * B.danger_tolerance
    assert np.all(p[danger <= tolerated] == 0)       # below the household's threshold: stays
    assert np.all(p[danger > tolerated + 0.01] > 0)


def test_traits_change_flight_in_the_documented_direction():
    d = 0.6
    assert p_flee(d, rt=0.1) > p_flee(d, rt=0.9)                      # risk-averse leave sooner
    assert p_flee(d, vehicle=True) > p_flee(d, vehicle=False)
    assert p_flee(d, idp=True) > p_flee(d, idp=False)
    assert p_flee(d, departed=0.8) > p_flee(d, departed=0.0)            # neighbours leaving
    assert p_flee(0.3, info=0.0) < p_flee(0.3, info=1.0)               # poorly informed underreact
    assert p_flee(0.0, front_km=2.0, rt=0.0) > 0                        # the front is next door


def ctx_for(n_loc=4, **over):
    base = dict(route_cost_km=np.full((n_loc, n_loc), 50.0), danger=np.zeros(n_loc),
                front_distance_km=np.full(n_loc, 100.0), crowding=np.zeros(n_loc),
                kind_preference=np.zeros(n_loc), closed_crossing=np.zeros(n_loc, bool),
                eligible=np.ones(n_loc, bool))
    base.update(over)
    return DestinationContext(**base)


def test_never_choose_ineligible_unreachable_or_current_place():
    cost = np.full((4, 4), 50.0)
    cost[0, 2] = np.inf
    ctx = ctx_for(route_cost_km=cost, eligible=np.array([True, False, True, True]))
    n = 5000
    rng = np.random.default_rng(0)
    dest = choose_destinations(np.zeros(n, int), np.full(n, 0.5), np.full(n, 0.5),
                               np.ones(n, bool), ctx, B, rng)
    assert set(np.unique(dest)) == {3}


def test_no_possible_destination_gives_minus_one():
    ctx = ctx_for(eligible=np.array([True, False, False, False]))
    dest = choose_destinations(np.zeros(10, int), np.full(10, 0.5), np.full(10, 0.5),
                               np.ones(10, bool), ctx, B, np.random.default_rng(0))
    assert (dest == -1).all()


def test_choice_frequencies_match_the_logit_probabilities():
    ctx = ctx_for(danger=np.array([0.0, 0.0, 0.05, 0.0]), crowding=np.array([0, 0, 0, 1.0]),
                  kind_preference=np.array([0, 0.5, 0, 0]))
    n = 60_000
    loc, rt, info = np.zeros(n, int), np.full(n, 0.5), np.full(n, 0.8)
    u = destination_utility(loc[:1], rt[:1], info[:1], np.ones(1, bool), ctx, B)[0]
    expected = np.exp(u - u[np.isfinite(u)].max())
    expected /= expected.sum()
    dest = choose_destinations(loc, rt, info, np.ones(n, bool), ctx, B, np.random.default_rng(3))
    freq = np.bincount(dest, minlength=4) / n
    se = np.sqrt(expected * (1 - expected) / n)
    assert np.all(np.abs(freq - expected) <= 5 * se + 1e-12)
    assert freq[1] > freq[3]          # preferred kind beats the crowded place


def test_informed_households_avoid_closed_crossings_more():
    ctx = ctx_for(closed_crossing=np.array([False, True, False, False]))
    n = 20_000
    rng = np.random.default_rng(1)
    informed = choose_destinations(np.zeros(n, int), np.full(n, .5), np.full(n, 1.0),
                                   np.ones(n, bool), ctx, B, rng)
    uninformed = choose_destinations(np.zeros(n, int), np.full(n, .5), np.full(n, 0.0),
                                     np.ones(n, bool), ctx, B, rng)
    assert (informed == 1).mean() < 0.5 * (uninformed == 1).mean()


def test_behaviour_constants_are_read_from_the_schema():
    """The former hard-coded constants of the rules are schema fields that change the result."""
    ctx = ctx_for(danger=np.array([0.0, 0.05, 0.0, 0.0]), crowding=np.array([0, 0, 5.0, 0]),
                  front_distance_km=np.array([10.0, 100.0, 100.0, 400.0]))
    one = np.zeros(1, int)

    def u(vehicle=True, rt=0.5, **over):
        return destination_utility(one, np.full(1, rt), np.full(1, 1.0), np.full(1, vehicle),
                                   ctx, B.model_copy(update=over))[0]

    assert u(front_distance_cap_km=400.0)[3] > u()[3]          # beyond 150 km counts now
    assert u(crowding_cap=5.0)[2] < u()[2]                      # a very crowded place deters more
    assert u(vehicle_distance_factor=1.0)[1] < u()[1]           # drivers mind distance more
    assert u(vehicle=False)[1] == u(vehicle_distance_factor=1.0)[1]
    # offset 1: a fully risk-tolerant household ignores danger, a risk-averse one pays it all
    assert np.isclose(u(rt=1.0, safety_risk_offset=1.0)[1] - u(rt=0.0, safety_risk_offset=1.0)[1],
                      B.safety_weight * 0.05)
    assert u(rt=1.0)[1] < u(rt=1.0, safety_risk_offset=1.0)[1]
    assert p_flee(0.3, info=0.0, b=B.model_copy(update={"uninformed_danger_exponent": 1.0})) \
        == p_flee(0.3, info=1.0) > p_flee(0.3, info=0.0)


def test_choice_among_candidates_returns_their_node_indices():
    """Six places, only nodes 2 and 5 can take people: utilities are [household x 2] and the
    destinations are node indices; a household at a candidate never picks its own place."""
    from sim.engine.decisions import candidate_destinations, destination_utility

    kind = np.array(["village", "village", "camp", "town", "village", "crossing"])
    cand = candidate_destinations(kind, np.array([0, 0, 100, 0, 0, 0.0]), np.zeros(6))
    assert cand.tolist() == [2, 5]
    n = 2000
    where = np.where(np.arange(n) % 2 == 0, 0, 2)          # half in a village, half at the camp
    ctx = ctx_for(n_loc=6, route_cost_km=np.full((6, 2), 40.0), candidates=cand)
    u = destination_utility(where[:3], np.full(3, 0.5), np.full(3, 0.5), np.ones(3, bool), ctx, B)
    assert u.shape == (3, 2)
    dest = choose_destinations(where, np.full(n, 0.5), np.full(n, 0.5), np.ones(n, bool), ctx,
                               B, np.random.default_rng(1))
    assert set(np.unique(dest[where == 0])) == {2, 5}
    assert set(np.unique(dest[where == 2])) == {5}


@pytest.mark.parametrize("base_rate", [0.01, 0.0])
def test_the_engines_fused_hazard_gives_the_formulas_numbers_to_the_last_bit(base_rate):
    # The model draws flight against flee_probability_of (one pass, numba); the documented
    # formula is flee_probability (NumPy). Same inputs, same float32 traits: same bits, also
    # where the kernel skips expm1 for a zero hazard, or the power for one below the bound.
    from sim.engine.decisions import FixedTerms, flee_probability_of, perceived_bound
    rng = np.random.default_rng(5)
    n_places, n = 40, 20_000
    danger, front_km = rng.uniform(0, 1, n_places), rng.uniform(0, 60, n_places)
    danger[:3] = [0.0, 1.0, 0.5]
    departed = rng.uniform(0, 1, n_places)
    location = rng.integers(0, n_places, n)
    rt, info = rng.beta(2, 2, n).astype(np.float32), rng.beta(3, 2, n).astype(np.float32)
    vehicle, idp = rng.random(n) < 0.4, rng.random(n) < 0.3
    times = rng.integers(0, 2, n).astype(np.int16)
    b = BehaviourConfig(base_flee_rate_per_day=base_rate)
    want = flee_probability(danger[location], front_km[location], departed[location], rt, info,
                            vehicle, idp | (times > 0), b)
    fixed = FixedTerms.of(rt, info, b)
    who = np.flatnonzero(rng.random(n) < 0.7)
    proximity = np.exp(-front_km / b.front_proximity_scale_km)
    bound = perceived_bound(danger, fixed.grid)
    got = flee_probability_of(who, location, danger, proximity, departed, fixed.tolerated,
                              fixed.exponent, vehicle, idp, times,
                              b.base_flee_rate_per_day, b.flee_propensity, b.front_proximity_weight,
                              b.social_weight, b.no_vehicle_factor, b.prior_displacement_factor,
                              fixed.exponent_bin, bound)
    below = bound[location, fixed.exponent_bin] + b.front_proximity_weight * proximity[location] \
        <= fixed.tolerated
    assert below[who].mean() > 0.1                   # the shortcut is taken ...
    assert (want[who][~below[who]] == base_rate).any() or base_rate > 0   # ... and not always
    assert (want[who] > base_rate).mean() > 0.3      # the test reaches the rule, not just zeros
    assert base_rate > 0 or (want[who] == 0).mean() > 0.2       # ... and households below it
    np.testing.assert_array_equal(got, want[who])


@pytest.mark.parametrize("base_rate", [0.0, 0.01])
def test_flight_candidates_leave_out_exactly_households_whose_probability_is_zero(base_rate):
    # The model weighs and draws for flee_candidates only: every household staying somewhere
    # that is left out must have probability 0 by the formula (so it could never flee), and
    # those kept must include every one with a probability above 0. With a base rate, all.
    from sim.engine.decisions import FixedTerms, flee_candidates, perceived_bound, reach_of
    rng = np.random.default_rng(9)
    n_places, n = 50, 30_000
    danger, front_km = rng.uniform(0, 0.8, n_places), rng.uniform(0, 60, n_places)
    departed = rng.uniform(0, 1, n_places)
    location = rng.integers(0, n_places, n).astype(np.int16)
    status = rng.choice(np.arange(7), n).astype(np.int8)
    rt, info = rng.beta(2, 2, n).astype(np.float32), rng.beta(3, 2, n).astype(np.float32)
    vehicle, idp = rng.random(n) < 0.4, rng.random(n) < 0.3
    b = BehaviourConfig(base_flee_rate_per_day=base_rate)
    fixed = FixedTerms.of(rt, info, b)
    proximity = np.exp(-front_km / b.front_proximity_scale_km)
    bound = perceived_bound(danger, fixed.grid)
    reach = reach_of(bound, b.front_proximity_weight * proximity, base_rate)
    who = flee_candidates(status, location, fixed.tolerated, fixed.exponent_bin, reach)
    want = flee_probability(danger[location], front_km[location], departed[location], rt, info,
                            vehicle, idp, b)
    staying = (status != Status.TRANSIT) & (status != Status.CROSSED)
    kept = np.zeros(n, bool)
    kept[who] = True
    assert (np.diff(who) > 0).all()                      # in index order
    assert not kept[~staying].any()
    assert (want[staying & ~kept] == 0).all()            # left out: could never flee
    assert kept[staying & (want > 0)].all()              # every one who could is kept
    if base_rate:
        assert kept[staying].all()
    else:                  # left out: where the kernel's own shortcut gives 0, no more, no less
        below = bound[location, fixed.exponent_bin] + b.front_proximity_weight * proximity[location] \
            <= fixed.tolerated
        np.testing.assert_array_equal(kept, staying & ~below)
        assert 0.1 < kept[staying].mean() < 0.9


def test_the_daily_draw_is_made_only_where_it_can_decide():
    # Households with probability 0 never flee and take no draw; those with 1 always flee;
    # the others flee at their rate, one uniform each, in order.
    p = np.array([0.0, 1.0, 0.3, 0.0, 0.7, 1.0, 0.0])
    fled = decide_to_flee(p, np.random.default_rng(4))
    u = np.random.default_rng(4).random(4)               # the draws of positions 1, 2, 4, 5
    np.testing.assert_array_equal(fled, np.array([1, 2, 4, 5])[u < p[[1, 2, 4, 5]]])
    assert {1, 5} <= set(fled.tolist()) and not {0, 3, 6} & set(fled.tolist())
    many = np.tile([0.0, 0.25], 20_000)
    share = np.isin(np.arange(len(many)), decide_to_flee(many, np.random.default_rng(2)))
    assert not share[::2].any()
    assert abs(share[1::2].mean() - 0.25) < 0.01


@pytest.mark.parametrize("top_exponent", [2.0, 3.5, 1.0])
def test_the_perceived_bound_is_at_least_every_households_perceived_danger(top_exponent):
    # The flight kernel skips the power where the bound stays within tolerance: the bound of a
    # household's bin must be at least danger ** its exponent, whichever way the power runs
    # (danger below and above 1), at the bins' edges and with one exponent for all.
    from sim.engine.decisions import FixedTerms, perceived_bound
    rng = np.random.default_rng(11)
    info = rng.uniform(0, 1, 5000).astype(np.float32)
    info[:2] = [0.0, 1.0]
    b = BehaviourConfig(uninformed_danger_exponent=top_exponent)
    fixed = FixedTerms.of(np.zeros(len(info), np.float32), info, b)
    assert fixed.grid[fixed.exponent_bin].max() <= fixed.exponent.max()
    assert (fixed.grid[fixed.exponent_bin] <= fixed.exponent).all()
    assert (fixed.exponent <= fixed.grid[fixed.exponent_bin.astype(int) + 1]).all()
    danger = np.concatenate([[0.0, 1.0, 1e-300, 1.7], rng.uniform(0, 1, 200)])
    bound = perceived_bound(danger, fixed.grid)
    perceived = danger[:, None] ** fixed.exponent.astype(np.float64)[None, :]
    assert (perceived <= bound[:, fixed.exponent_bin]).all()
    assert (bound[:, fixed.exponent_bin] <= perceived * 1.5 + 1e-12).mean() > 0.9   # and tight


def test_the_engines_destination_choice_is_the_logit_of_destination_utility_to_the_last_bit():
    # choose_destinations forms the utilities one household at a time (numba); the documented
    # matrix is destination_utility. With the same uniforms: the same picks, household by household.
    rng = np.random.default_rng(8)
    n_places, n = 30, 6000
    candidates = np.sort(rng.choice(n_places, 20, replace=False))
    cost = rng.uniform(5, 300, (n_places, len(candidates)))
    cost[rng.random(cost.shape) < 0.1] = np.inf
    cost[:3] = np.inf                                   # from these places: nowhere to go
    ctx = DestinationContext(
        route_cost_km=cost, danger=rng.uniform(0, 0.6, n_places),
        front_distance_km=rng.uniform(0, 120, n_places), crowding=rng.uniform(0, 4, n_places),
        kind_preference=rng.normal(0, 1, n_places), closed_crossing=rng.random(n_places) < 0.2,
        eligible=rng.random(n_places) < 0.8, candidates=candidates)
    location = rng.integers(0, n_places, n)
    rt, info = rng.beta(2, 2, n).astype(np.float32), rng.beta(3, 2, n).astype(np.float32)
    vehicle = rng.random(n) < 0.4
    got = choose_destinations(location, rt, info, vehicle, ctx, B, np.random.default_rng(3))
    u = destination_utility(location, rt, info, vehicle, ctx, B)
    top = u.max(axis=1, keepdims=True)
    ok = np.isfinite(top[:, 0])
    cdf = np.cumsum(np.exp(u - np.where(ok[:, None], top, 0.0)), axis=1)
    r = np.random.default_rng(3).random(n) * cdf[:, -1]
    pick = np.minimum((cdf <= r[:, None]).sum(axis=1), u.shape[1] - 1)
    want = np.where(ok, candidates[pick], -1)
    assert 0 < (want < 0).sum() < n and len(np.unique(want)) > 10   # both cases reached
    np.testing.assert_array_equal(got, want)


def test_a_plan_is_given_up_where_the_danger_no_longer_supports_it():
    from sim.engine.decisions import unsupported_plans
    rng = np.random.default_rng(8)
    for _ in range(50):
        n = int(rng.integers(1, 60))
        who = np.flatnonzero(rng.random(n) < 0.5)
        p = np.where(rng.random(len(who)) < 0.4, 0.0, rng.random(len(who)))
        planning = np.flatnonzero(rng.random(n) < 0.3)
        supported = np.zeros(n, bool)
        supported[who[p > 0]] = True
        want = planning[~supported[planning]]
        np.testing.assert_array_equal(unsupported_plans(planning, who, p), want)
