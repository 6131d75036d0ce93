"""Household decisions: whether to flee today, and where to go.

Decision to flee (a daily hazard, so the chance compounds over days under fire)::

    perceived = danger ** (e - (e - 1) * information)      e = uninformed_danger_exponent (2)
    excess    = max(0, perceived + w_front * exp(-d_front / scale) - risk_tolerance * danger_tolerance)
    hazard    = base_rate + flee_propensity * excess
                * (1 + social_weight * share_of_neighbours_gone)
                * vehicle_factor * prior_displacement_factor
    P(flee today) = 1 - exp(-hazard)

A household tolerates danger up to ``risk_tolerance * danger_tolerance`` indefinitely: low,
steady danger far from the front does not empty a town however long it lasts; only danger
above a household's own threshold drives flight, faster the further above it is.

Why these terms (modelling assumptions, documented in docs/model.md and to be calibrated
against the 2019 offensive): shelling and air strikes near the front drive flight; people
leave when neighbours do; families displaced before (or earlier in the run) have fewer
assets tying them to the place. Poorly informed households underreact to moderate danger (exponent
> 1 for information < 1) but not to severe danger (danger near 1 is perceived as near 1).

Destination choice is a multinomial logit over reachable, safe places:
utility falls with route length and danger and crowding (known to informed households only),
rises with distance from the front and with a preference for the kind of place; a closed
crossing repels households that know it is closed. The choice set is the candidate
destinations only (places with camp or host capacity, and crossings: see
:func:`candidate_destinations`), so the ``[household x candidate]`` work does not grow with the
hundreds of villages of the fine region, which are origins only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from sim.config.scenario import BehaviourConfig
from sim.engine.households import Status


def flee_hazard_per_day(
    danger: np.ndarray,
    front_distance_km: np.ndarray,
    departed_share: np.ndarray,
    risk_tolerance: np.ndarray,
    information: np.ndarray,
    has_vehicle: np.ndarray,
    already_displaced: np.ndarray,
    b: BehaviourConfig,
) -> np.ndarray:
    """Daily flight hazard (1/day) per household; all inputs are per-household arrays."""
    e = b.uninformed_danger_exponent
    perceived = np.power(danger, e - (e - 1.0) * information)
    proximity = np.exp(-front_distance_km / b.front_proximity_scale_km)
    tolerated = risk_tolerance * b.danger_tolerance
    excess = np.maximum(perceived + b.front_proximity_weight * proximity - tolerated, 0.0)
    trait = (np.where(has_vehicle, 1.0, b.no_vehicle_factor)
             * np.where(already_displaced, b.prior_displacement_factor, 1.0))
    return (b.base_flee_rate_per_day
            + b.flee_propensity * excess * (1.0 + b.social_weight * departed_share) * trait)


def fixed_terms(risk_tolerance: np.ndarray, information: np.ndarray,
                b: BehaviourConfig) -> tuple[np.ndarray, np.ndarray]:
    """The terms of the hazard that are fixed per household for a run: its tolerated danger
    and the exponent of its perceived danger, exactly as :func:`flee_hazard_per_day` has them
    (in the traits' float32)."""
    e = b.uninformed_danger_exponent
    return risk_tolerance * b.danger_tolerance, e - (e - 1.0) * information


EXPONENT_BINS = 32
"""Bins of the households' exponents for :func:`perceived_bound` (a table of places x bins).
With 8, one candidate in three on day 60 of the full assault needed its power taken, of whom
a third had no excess after all; with 32, one in four (3.3 against 2.4 ms a day; 128 no
better)."""


@dataclass(frozen=True, eq=False)
class FixedTerms:
    """:func:`fixed_terms` of every household, and the bin of its exponent between two
    points of ``grid`` (``grid[bin] <= exponent <= grid[bin + 1]``), for the exact shortcut of
    :func:`flee_probability_of`."""

    tolerated: np.ndarray
    exponent: np.ndarray
    exponent_bin: np.ndarray
    grid: np.ndarray

    @classmethod
    def of(cls, risk_tolerance: np.ndarray, information: np.ndarray,
           b: BehaviourConfig) -> "FixedTerms":
        tolerated, exponent = fixed_terms(risk_tolerance, information, b)
        wide = exponent.astype(np.float64)            # the kernel raises danger to this
        lo, hi = (float(wide.min()), float(wide.max())) if len(wide) else (1.0, 1.0)
        grid = np.linspace(lo, hi, EXPONENT_BINS + 1)
        grid[0], grid[-1] = lo, hi                    # the ends exactly
        which = np.clip(np.searchsorted(grid, wide, side="right") - 1, 0, EXPONENT_BINS - 1)
        return cls(tolerated, exponent, which.astype(np.int8), grid)

    def __len__(self) -> int:
        return len(self.tolerated)


def perceived_bound(danger: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """[place, bin]: at least ``danger ** a`` for every exponent ``a`` in the bin
    ``grid[bin]..grid[bin + 1]`` (a power is monotone in its exponent, so the larger of the
    two ends bounds it), with a margin far above the rounding of a power."""
    ends = np.zeros((len(danger), len(grid)))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if grid[0] > 0:   # 0 ** a is 0 for a > 0 (here a >= 1: uninformed_danger_exponent >= 1)
            some = np.flatnonzero(danger > 0.0)
            # exp(a log d): a third of the time of the powers, within 1e-13 of them
            ends[some] = np.exp(np.log(danger[some])[:, None] * grid[None, :])
        else:
            ends[:] = np.power(danger[:, None], grid[None, :])
    return np.maximum(ends[:, :-1], ends[:, 1:]) * (1.0 + 1e-9)


STATUS_TRANSIT, STATUS_CROSSED = int(Status.TRANSIT), int(Status.CROSSED)


def reach_of(bound: np.ndarray, pull: np.ndarray, base_rate: float) -> np.ndarray:
    """[place, bin]: the most a household there with its exponent in the bin can perceive,
    ``bound`` (:func:`perceived_bound`) plus the front's ``pull`` (per place), the sum
    :func:`flee_probability_of` tests; with a base rate of flight every household staying
    somewhere can flee (inf)."""
    if base_rate != 0.0:
        return np.full(bound.shape, np.inf)
    return bound + pull[:, None]


@njit(cache=True)
def flee_candidates(status, location, tolerated, exponent_bin, reach):
    """One pass over the households: those staying somewhere whose perceived danger can
    exceed their tolerated danger (``reach[place, exponent_bin]`` > tolerated: see
    :func:`reach_of`), in index order. The others' flight probability is 0 exactly (the
    shortcut of :func:`flee_probability_of`), so they need neither arithmetic nor a draw.

    The selection is written without a branch (each index is written, and kept by moving
    on): whether a household is a candidate is a coin toss to the processor, and a
    mispredicted branch per household cost three times the pass (2.7 against 0.8 ms)."""
    n = len(status)
    who = np.empty(n + 1, dtype=np.int64)
    n_who = 0
    for i in range(n):
        s = status[i]
        who[n_who] = i
        n_who += (s != STATUS_TRANSIT) & (s != STATUS_CROSSED) \
            & (reach[location[i], exponent_bin[i]] > tolerated[i])
    return who[:n_who]


@njit(cache=True)
def flee_probability_of(who, location, danger, proximity, departed_share, tolerated, exponent,
                        has_vehicle, already_displaced, times_displaced, base_rate, propensity,
                        front_weight, social_weight, no_vehicle_factor, prior_displacement_factor,
                        exponent_bin, bound):
    """:func:`flee_probability` of households ``who``, from per-place danger, front proximity
    (``exp(-d_front / scale)``) and share departed, and the households' :func:`fixed_terms`;
    the same arithmetic in the same order, so the same numbers to the last bit.

    Exact shortcut: where even ``bound[place, exponent_bin]`` (:func:`perceived_bound`, at
    least the perceived danger) plus the front's pull stays within the household's tolerance,
    the excess is 0 and no power is taken (three in four candidates on a day of the full
    assault): rounding is monotone, so the formula's sum is then within the tolerance too.
    Without a base rate of flight, :func:`flee_candidates` leaves those households out
    beforehand by the same test (:func:`reach_of`), so here it serves the base-rate case."""
    p = np.empty(len(who))
    at_base = 0.0 if base_rate == 0.0 else -np.expm1(-base_rate)
    for j in range(len(who)):
        i = who[j]
        where = location[i]
        pull = front_weight * proximity[where]
        if bound[where, exponent_bin[i]] + pull <= tolerated[i]:
            p[j] = at_base                  # excess 0: hazard = base_rate + 0.0
            continue
        perceived = danger[where] ** exponent[i]
        excess = max(perceived + pull - tolerated[i], 0.0)
        trait = (1.0 if has_vehicle[i] else no_vehicle_factor) \
            * (prior_displacement_factor if already_displaced[i] or times_displaced[i] > 0 else 1.0)
        hazard = base_rate + propensity * excess * (1.0 + social_weight * departed_share[where]) * trait
        # -expm1(-0.0) is 0.0: no call for the candidates below their threshold
        p[j] = 0.0 if hazard == 0.0 else -np.expm1(-hazard)
    return p


def unsupported_plans(planning: np.ndarray, who: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Of the households ``planning`` to flee, those the danger no longer supports: not among
    today's candidates ``who`` (both in index order), or with a flight probability ``p`` of 0."""
    at = np.minimum(np.searchsorted(who, planning), max(len(who) - 1, 0))
    supported = (who[at] == planning) & (p[at] > 0) if len(who) else np.zeros(len(planning), bool)
    return planning[~supported]


def flee_probability(*args, **kwargs) -> np.ndarray:
    return -np.expm1(-flee_hazard_per_day(*args, **kwargs))


def decide_to_flee(probability: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One independent draw per household per day, where it can decide: a household with
    probability 0 does not flee and takes no draw. Returns the positions that flee."""
    can = np.flatnonzero(probability > 0.0)
    return can[rng.random(len(can)) < probability[can]]


def candidate_destinations(kind: np.ndarray, camp_capacity: np.ndarray,
                           host_capacity: np.ndarray,
                           camp_land_m2: np.ndarray | None = None) -> np.ndarray:
    """Node indices a household can ever choose: any place with camp or host places or with
    land where the response can open camp places, and the border crossings. Routes are
    planned towards these only (:mod:`sim.engine.routing`)."""
    land = np.zeros(len(kind)) if camp_land_m2 is None else camp_land_m2
    return np.flatnonzero((camp_capacity + host_capacity > 0) | (land > 0) | (kind == "crossing"))


@dataclass(frozen=True, eq=False)
class DestinationContext:
    """What a household can know about each location today (arrays over locations, except
    ``route_cost_km``, whose columns are the ``candidates``)."""

    route_cost_km: np.ndarray      # [from, k] safest-route cost to candidates[k], inf if unreachable
    danger: np.ndarray             # [loc]
    front_distance_km: np.ndarray  # [loc]
    crowding: np.ndarray           # [loc] occupants / capacity (0 = empty, 1 = full)
    kind_preference: np.ndarray    # [loc] utility of the kind of place
    closed_crossing: np.ndarray    # [loc] bool: a crossing closed today
    eligible: np.ndarray           # [loc] bool: can be chosen at all today
    candidates: np.ndarray | None = None   # [k] node of each column; None = every location


def destination_utility(
    location: np.ndarray,
    risk_tolerance: np.ndarray,
    information: np.ndarray,
    has_vehicle: np.ndarray,
    ctx: DestinationContext,
    b: BehaviourConfig,
) -> np.ndarray:
    """Deterministic utility [household, candidate]; -inf where a place cannot be chosen."""
    nodes = np.arange(len(ctx.eligible)) if ctx.candidates is None else ctx.candidates
    cost = ctx.route_cost_km[location]
    distance_weight = np.where(has_vehicle, b.vehicle_distance_factor, 1.0)[:, None] \
        * b.distance_weight_per_100km
    u = (
        ctx.kind_preference[nodes][None, :]
        - distance_weight * cost / 100.0
        - b.safety_weight * (b.safety_risk_offset - risk_tolerance)[:, None] * ctx.danger[nodes][None, :]
        + b.front_distance_weight_per_100km
        * np.minimum(ctx.front_distance_km[nodes], b.front_distance_cap_km)[None, :] / 100.0
        - b.crowding_weight * information[:, None] * np.minimum(ctx.crowding[nodes], b.crowding_cap)[None, :]
        - b.closed_border_penalty * information[:, None] * ctx.closed_crossing[nodes][None, :]
    )
    blocked = ~ctx.eligible[nodes][None, :] | ~np.isfinite(cost)
    blocked |= nodes[None, :] == location[:, None]
    return np.where(blocked, -np.inf, u)


def choose_destinations(
    location: np.ndarray,
    risk_tolerance: np.ndarray,
    information: np.ndarray,
    has_vehicle: np.ndarray,
    ctx: DestinationContext,
    b: BehaviourConfig,
    rng: np.random.Generator,
) -> np.ndarray:
    """Sample each household's destination (a node index) from the multinomial logit; -1 if none.

    One uniform draw per household against the cumulative choice probabilities (inverse
    CDF), which is cheaper than one Gumbel draw per household and place. The utilities are
    :func:`destination_utility`'s, term by term in the same order (:func:`logit_choice`), one
    household at a time instead of a [household x place] matrix.
    """
    nodes = np.arange(len(ctx.eligible)) if ctx.candidates is None else ctx.candidates
    # Per household and per place, each factor exactly as destination_utility forms it
    # (the traits' float32 included).
    distance = np.where(has_vehicle, b.vehicle_distance_factor, 1.0) * b.distance_weight_per_100km
    safety = b.safety_weight * (b.safety_risk_offset - risk_tolerance)
    crowd = b.crowding_weight * information
    closed = b.closed_border_penalty * information
    front = b.front_distance_weight_per_100km * np.minimum(ctx.front_distance_km[nodes],
                                                           b.front_distance_cap_km) / 100.0
    pick = logit_choice(location.astype(np.int64), distance, safety, crowd, closed,
                        ctx.route_cost_km, ctx.kind_preference[nodes], ctx.danger[nodes], front,
                        np.minimum(ctx.crowding[nodes], b.crowding_cap), ctx.closed_crossing[nodes],
                        ctx.eligible[nodes], nodes.astype(np.int64), rng.random(len(location)))
    if ctx.candidates is not None:
        pick = np.where(pick >= 0, ctx.candidates[np.maximum(pick, 0)], -1)
    return pick


@njit(cache=True)
def logit_choice(location, distance, safety, crowd, closed, route_cost_km, kind_preference,
                 danger, front, crowding, closed_crossing, eligible, nodes, uniform):
    """The column each household picks (-1 if none can be chosen): utilities as
    :func:`destination_utility`, then the inverse CDF of the logit at ``uniform``."""
    k = len(nodes)
    out = np.full(len(location), -1, dtype=np.int64)
    u = np.empty(k)
    cdf = np.empty(k)
    for i in range(len(location)):
        here = location[i]
        top = -np.inf
        for c in range(k):
            cost = route_cost_km[here, c]
            if not eligible[c] or not np.isfinite(cost) or nodes[c] == here:
                u[c] = -np.inf
                continue
            u[c] = kind_preference[c] - distance[i] * cost / 100.0 - safety[i] * danger[c] \
                + front[c] - crowd[i] * crowding[c] - (closed[i] * closed_crossing[c])
            top = max(top, u[c])
        if np.isfinite(top):
            out[i] = logit_pick(u, top, cdf, uniform[i])
    return out


@njit(cache=True)
def logit_pick(u, top, cdf, uniform):
    """The option picked from utilities ``u`` (best ``top``, finite) by the inverse CDF of
    their logit at ``uniform``: the number of options whose cumulative weight is at or below
    ``uniform`` times the total (``cdf``: a buffer of the same length)."""
    total = 0.0
    for c in range(len(u)):
        if u[c] > -np.inf:              # exp(-inf) is 0: nothing to add
            total += np.exp(u[c] - top)
        cdf[c] = total
    r = uniform * total
    below = 0
    for c in range(len(u)):
        if cdf[c] <= r:
            below += 1
    return min(below, len(u) - 1)


@njit(cache=True)
def table_logit_choice(location, risk_tolerance, vehicle, staying, base, slope, uniform):
    """The option each household picks (-1 if none) and its utility less ``staying`` (-inf if
    none), from a table of utilities linear in risk tolerance: ``base + risk_tolerance * slope``
    [place, vehicle, option] (onward moves, :func:`sim.engine.onward.best_option_gain`); the
    inverse CDF of their logit at ``uniform``. Here, beside :func:`logit_pick`, because numba's
    cache of a kernel does not notice a change in a kernel of another module that it calls."""
    k = base.shape[2]
    pick = np.full(len(location), -1, dtype=np.int64)
    gain = np.full(len(location), -np.inf)
    u = np.empty(k)
    cdf = np.empty(k)
    for i in range(len(location)):
        here, v = location[i], vehicle[i]
        top = -np.inf
        for c in range(k):
            u[c] = base[here, v, c] + risk_tolerance[i] * slope[here, v, c]
            top = max(top, u[c])
        if not np.isfinite(top):
            continue
        chosen = logit_pick(u, top, cdf, uniform[i])
        pick[i] = chosen
        gain[i] = u[chosen] - staying[i]
    return pick, gain
