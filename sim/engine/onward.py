"""Onward moves with a reason (docs/model.md, 7.13).

A household staying somewhere moves on only for a reason: danger above its own tolerance (the
flight rule, :mod:`sim.engine.decisions`), no shelter where it is (in the open: the place was
full), or a clearly better option. Now and then it weighs its options - each day with
probability ``behaviour.open_air_move_on_per_day`` in the open, ``shelter_review_per_day`` in
a camp or with hosts - draws the option it would choose (the destination logit of
:func:`~sim.engine.decisions.destination_utility`) and goes only if that option beats staying
by more than ``behaviour.onward_move_cost``. The cost is hysteresis: what a move costs in money,
risk and the place given up, so that a household does not trade one camp for a slightly
better one, and arrivals are not churn (issue 10: 3.2 arrivals per displaced person).

Utility of staying at place ``j``, as the household knows its own place (true crowding, no
route to pay for)::

    S_ij = kappa_j - w_safe (o - r_i) D_j + w_front min(F_j, F_max) / 100
           - [in the open] w_crowd min(K_j, K_max)

so a household in the open at a place three times full has a strong reason to go, one with a
roof over its head has none unless an option is much better. A displaced household weighing an
onward move knows how crowded the other places are (information 1 for crowding and closed
crossings: news of where there is room travels among the displaced), so it moves to where there
is room, not from one full camp to the next; and only while the room lasts: households go to a
place only as long as its free camp and host places (less the people already on their way
there) hold them, in a random order each day, so that new places are not a stampede; it weighs
only the places with room.

For speed, the utilities come from one table per location and vehicle (the utility is linear
in risk tolerance, :func:`utility_table`), and households at a place where no option can beat
staying by the cost are not weighed at all (:func:`could_gain`, an exact filter): they take no
draw of whether they review today either, since a review there changes nothing; on a day when
no place has room, nobody does.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sim.config.scenario import BehaviourConfig
from sim.engine.allocation import grouped_fits
from sim.engine.decisions import DestinationContext, destination_utility, table_logit_choice
from sim.engine.households import Status
from sim.engine.tallies import hopeful_open_and_sheltered


def reviewing_today(hh, excluded: np.ndarray, hopeful: np.ndarray, b: BehaviourConfig,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Households weighing a move today, and whether each is in the open: in the open with
    ``open_air_move_on_per_day``, in a camp or with hosts with ``shelter_review_per_day``; not
    those about to flee anyway, nor ``excluded`` (already going somewhere today).

    Only households at a place and with a vehicle or not where a review can end in a move
    (``hopeful[in_open, place, has_vehicle]``, :func:`hopeful_places`) take the day's draw:
    for the others a review changes nothing, so whether they review is not drawn."""
    free = hh.flee_ready_day < 0
    free[excluded] = False
    if b.shelter_review_per_day <= 0:
        hopeful = hopeful.copy()
        hopeful[0] = False                   # in shelter nobody reviews
    in_open, sheltered = hopeful_open_and_sheltered(hh.status, free, hh.location,
                                                    hh.has_vehicle, hopeful)
    reviewing = np.concatenate([
        in_open[rng.random(len(in_open)) < b.open_air_move_on_per_day],
        sheltered[rng.random(len(sheltered)) < b.shelter_review_per_day]])
    return reviewing, hh.status[reviewing] == Status.OPEN


def moves_today(hh, excluded: np.ndarray, ctx: DestinationContext, room_people: np.ndarray,
                b: BehaviourConfig, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The households that move on today for a better option, and where to: those reviewing
    their place today (not ``excluded``) whose review ends in a move (review_onward_moves).
    They weigh only the places with room (free places less those on their way), which they
    know of; with none, or where no option can beat staying by the cost, nobody reviews."""
    nothing = np.zeros(0, dtype=np.int64)
    ctx = replace(ctx, eligible=ctx.eligible & (room_people > 0))
    if not ctx.eligible.any():
        return nothing, nothing
    n = len(ctx.eligible)
    tally = hh.tally(n)          # only where displaced households stay can one review
    base, slope = utility_table(n, ctx, b, at=(tally[Status.CAMP] + tally[Status.HOST]
                                               + tally[Status.OPEN]) > 0)
    hopeful = hopeful_places(base, slope, ctx, b)
    if not hopeful.any():
        return nothing, nothing
    reviewing, in_open = reviewing_today(hh, excluded, hopeful, b, rng)
    return review_onward_moves(hh, reviewing, in_open, ctx, base, slope, room_people, b, rng)


def staying_utility(location: np.ndarray, risk_tolerance: np.ndarray, in_open: np.ndarray,
                    ctx: DestinationContext, b: BehaviourConfig) -> np.ndarray:
    """Utility of staying where each household is (see the module)."""
    u = (ctx.kind_preference[location]
         - b.safety_weight * (b.safety_risk_offset - risk_tolerance) * ctx.danger[location]
         + b.front_distance_weight_per_100km
         * np.minimum(ctx.front_distance_km[location], b.front_distance_cap_km) / 100.0)
    return u - np.where(in_open, b.crowding_weight * np.minimum(ctx.crowding[location],
                                                                b.crowding_cap), 0.0)


def utility_table(n_locations: int, ctx: DestinationContext, b: BehaviourConfig,
                  at: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Utilities of every place [location, has_vehicle, place] for a household fully informed
    of crowding, at risk tolerance 0 (``base``), and their change per unit of risk tolerance
    (``slope``): the utility is linear in risk tolerance, so one call of
    :func:`~sim.engine.decisions.destination_utility` per location and vehicle stands for every
    household there (-inf where a place cannot be chosen). Only the locations ``at`` (a mask;
    default all) are weighed: elsewhere every option is -inf."""
    rows = np.arange(n_locations) if at is None else np.flatnonzero(at)
    loc = np.repeat(rows, 2)
    vehicle = np.tile([False, True], len(rows))
    knows = np.ones(len(loc))
    some_base = destination_utility(loc, np.zeros(len(loc)), knows, vehicle, ctx, b)
    top = destination_utility(loc, np.ones(len(loc)), knows, vehicle, ctx, b)
    some_slope = np.where(np.isfinite(some_base), top - np.where(np.isfinite(some_base), some_base, 0.0), 0.0)
    shape = (len(rows), 2, some_base.shape[1])
    base, slope = np.full((n_locations, *shape[1:]), -np.inf), np.zeros((n_locations, *shape[1:]))
    base[rows], slope[rows] = some_base.reshape(shape), some_slope.reshape(shape)
    return base, slope


def best_option_gain(location: np.ndarray, risk_tolerance: np.ndarray, has_vehicle: np.ndarray,
                     staying: np.ndarray, base: np.ndarray, slope: np.ndarray,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """For each household: the option it would choose (logit, one uniform draw each; -1 if
    none) and that option's utility minus ``staying`` (-inf if none)."""
    return table_logit_choice(location.astype(np.int64), risk_tolerance, has_vehicle.astype(np.int64),
                          staying, base, slope, rng.random(len(location)))


def best_options(base: np.ndarray, slope: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """[location, has_vehicle]: the best option's utility at risk tolerance 0 and at 1."""
    return base.max(axis=2), (base + slope).max(axis=2)


def could_gain(best: tuple[np.ndarray, np.ndarray], staying_base: np.ndarray,
               staying_slope: np.ndarray, cost: float) -> np.ndarray:
    """[location, has_vehicle]: whether any household there (any risk tolerance) has an option
    better than staying by ``cost`` (``best``: :func:`best_options`); gains are linear in risk
    tolerance, so the ends decide. An exact filter: where it is False, weighing the options
    cannot end in a move."""
    at_zero = best[0] - staying_base[:, None]
    at_one = best[1] - (staying_base + staying_slope)[:, None]
    return np.maximum(at_zero, at_one) > cost


def hopeful_places(base: np.ndarray, slope: np.ndarray, ctx: DestinationContext,
                   b: BehaviourConfig) -> np.ndarray:
    """[in_open, location, has_vehicle]: where a household (any risk tolerance) has an option
    better than staying by ``onward_move_cost`` (:func:`could_gain`), in shelter (0) and in
    the open (1), from the :func:`utility_table` of the options."""
    n = len(ctx.eligible)
    places = np.arange(n)
    out = np.zeros((2, n, 2), dtype=bool)
    best = best_options(base, slope)           # the same in shelter and in the open
    for open_air in (False, True):
        s0 = staying_utility(places, np.zeros(n), np.full(n, open_air), ctx, b)
        s1 = staying_utility(places, np.ones(n), np.full(n, open_air), ctx, b)
        out[int(open_air)] = could_gain(best, s0, s1 - s0, b.onward_move_cost)
    return out


def review_onward_moves(hh, reviewing: np.ndarray, in_open: np.ndarray, ctx: DestinationContext,
                        base: np.ndarray, slope: np.ndarray, room_people: np.ndarray,
                        b: BehaviourConfig,
                        rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Of the households ``reviewing`` their place today (``in_open``: they have no shelter),
    those that move on, and where to: an option (``ctx.eligible``: with room; utilities
    ``base`` and ``slope`` of :func:`utility_table`) better than staying by onward_move_cost,
    while its room (``room_people`` per place) holds them, in a random order."""
    nothing = np.zeros(0, dtype=np.int64)
    if len(reviewing) == 0:
        return nothing, nothing
    loc = hh.location[reviewing]
    staying = staying_utility(loc, hh.risk_tolerance[reviewing], in_open, ctx, b)
    pick, gain = best_option_gain(loc, hh.risk_tolerance[reviewing], hh.has_vehicle[reviewing],
                                  staying, base, slope, rng)
    go = np.flatnonzero(gain > b.onward_move_cost)
    go = go[rng.permutation(len(go))]
    dest = pick[go] if ctx.candidates is None else ctx.candidates[pick[go]]   # column -> place
    fits = grouped_fits(dest, hh.people_weight[reviewing[go]], room_people)
    order = np.argsort(go[fits])
    return reviewing[go[fits][order]], dest[fits][order]
