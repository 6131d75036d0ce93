"""News of a crossing that opens, and the households that go and queue for it (docs/model.md, 7.16).

Before this rule, opening Bab al-Hawa at 5,000 people a day beside tens of thousands waiting at
the closed crossings let through 1,408 a day on average (issue 10): nobody who had settled by
the wall heard of it or went. Now:

* **News spreads over days.** A household of information ``I`` has heard that crossing ``c``
  lets people through after it has done so for ``d`` days with probability
  ``1 - exp(-d (0.5 + I) / behaviour.crossing_news_days)``: the well informed (I = 1) hear
  three times as fast as the uninformed (I = 0).
* **Who goes.** Households in the open or waiting at a closed crossing, with no plan to flee,
  within ``behaviour.crossing_reach_km`` (route cost) of an open crossing, head for the nearest
  one they have heard of. (Those with a roof - camps, hosts - stay: the rule is about the people
  left waiting, as in the Bab al-Hawa what-if of issue 10.)
* **Up to its quota.** People go until the queue at the crossing, with those already on their
  way there, holds ``behaviour.crossing_queue_days`` days of its quota (in a random order each
  day, whole households): enough to use the quota, not a stampede. At a crossing that is simply
  open (no quota) everyone who has heard goes.

They travel by their own vehicle or on foot and queue on arrival like anyone else.
"""

from __future__ import annotations

import numpy as np

from sim.config.scenario import BehaviourConfig
from sim.engine.allocation import grouped_fits
from sim.engine.households import Households, Status
from sim.engine.routing import Routes

NOBODY = np.zeros(0, dtype=np.int64)


def days_letting_through(quota_people_per_day: np.ndarray) -> np.ndarray:
    """[day, location]: days in a row each crossing has let people through, today included
    (0 on a day it lets nobody through)."""
    open_now = quota_people_per_day > 0
    run = np.zeros(open_now.shape, dtype=np.int64)
    for t in range(len(open_now)):
        run[t] = np.where(open_now[t], (run[t - 1] if t else 0) + 1, 0)
    return run


def heard_of(days_open: np.ndarray, information: np.ndarray, news_days: float,
             rng: np.random.Generator) -> np.ndarray:
    """Whether each household has heard that its crossing opened (one draw each)."""
    chance = -np.expm1(-days_open * (0.5 + information) / news_days)
    return rng.random(len(days_open)) < chance


def heading_for_open_crossings(hh: Households, days_open: np.ndarray, quota: np.ndarray,
                               routes: Routes, b: BehaviourConfig,
                               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Households that set off today for a crossing that lets people through, and which one.
    ``days_open`` and ``quota`` are today's, per location (0 where not a crossing or closed);
    ``routes`` are today's (their cost columns are the candidate destinations, crossings
    among them)."""
    crossings = np.flatnonzero(days_open > 0)
    if b.crossing_queue_days == 0 or len(crossings) == 0:
        return NOBODY, NOBODY
    n = len(days_open)
    at_crossing = hh.status == Status.BORDER
    waiting_here = np.bincount(hh.location[at_crossing], weights=hh.people_weight[at_crossing], minlength=n)
    on_way = (hh.status == Status.TRANSIT) & (hh.destination >= 0)
    heading = np.bincount(hh.destination[on_way], weights=hh.people_weight[on_way], minlength=n)
    room = np.zeros(n)
    room[crossings] = np.maximum(b.crossing_queue_days * quota[crossings]
                                 - waiting_here[crossings] - heading[crossings], 0.0)
    # In the open anywhere, or at a crossing that lets nobody through today; no plan to flee.
    stuck = (hh.status == Status.OPEN) | (at_crossing & (days_open[hh.location] == 0))
    who = np.flatnonzero(stuck & (hh.flee_ready_day < 0))
    if len(who) == 0 or not (room > 0).any():
        return NOBODY, NOBODY
    column = routes.slot[crossings]
    cost = np.where(column >= 0, routes.cost_km[hh.location[who]][:, np.maximum(column, 0)], np.inf)
    nearest = np.argmin(cost, axis=1)
    target = crossings[nearest]
    near = (cost[np.arange(len(who)), nearest] <= b.crossing_reach_km) & (room[target] > 0)
    who, target = who[near], target[near]
    heard = heard_of(days_open[target], hh.information[who], b.crossing_news_days, rng)
    who, target = who[heard], target[heard]
    order = rng.permutation(len(who))
    who, target = who[order], target[order]
    going = grouped_fits(target, hh.people_weight[who], room)
    return who[going], target[going]
