"""Spawning mode: people enter the system each day where there is fighting (FLEE's rule).

FLEE's validation runs (``flee/spawning.py``, ``spawn_daily_displaced``) do not decide who
flees: the number of people entering each day is the increase of the observed total in
camps, and each newcomer starts at a conflict zone drawn with weight population x conflict
intensity. We keep that rule and nothing else of FLEE's: the newcomers are households of the
scenario's population mix, they choose destinations, route, travel and are admitted by the
model's own rules, and our flight-decision model still applies to everyone in the system.

* Day 0: the households are the people observed in camps (``initial_people_by_place``);
  nobody enters (FLEE's ``InsertDayZeroRefugeesInCamps``).
* Day t >= 1: ``high(t) - high(t-1)`` people enter, ``high`` being the running maximum of the
  observed total, so a fall in the total enters nobody until the total passes its earlier high
  (FLEE's "refugee debt"). After its last value the total holds.
* Where: a multinomial draw over places with weight ``population_people x danger(t)``
  (danger is the conflict intensity at FLEE's conflict zones). On a day with no place in
  danger the weight is the population of towns (FLEE has no rule for this: it fails).
* A newcomer household sets off on the day it enters; one that finds no destination that day
  tries again each day until it does.
"""

from __future__ import annotations

import numpy as np

from sim.config.scenario import Scenario
from sim.engine.households import Households, Status
from sim.engine.population import draw_households
from sim.world.geography import Geography

NO_HOUSEHOLDS = np.zeros(0, dtype=np.int64)


def entering_per_day(observed_total_people, days: int) -> np.ndarray:
    """People entering on each day: the increase of the running maximum of the total."""
    total = np.asarray(observed_total_people, dtype=np.int64)
    held = total[np.minimum(np.arange(days), len(total) - 1)]
    high = np.maximum.accumulate(held)
    return np.diff(high, prepend=high[:1])


def entry_weights(geo: Geography, danger: np.ndarray) -> np.ndarray:
    """Weight of each place as the place newcomers start from today."""
    w = geo.population_people * danger
    if w.sum() > 0:
        return w
    towns = geo.kind == "town"
    w = np.where(towns, geo.population_people, 0.0)
    return w if w.sum() > 0 else towns.astype(float)


class Spawner:
    """The spawning rule for one run: who is in camps on day 0, who enters each day."""

    def __init__(self, scenario: Scenario, geo: Geography):
        self.scenario = scenario
        self.geo = geo
        self.entering_people = entering_per_day(scenario.spawning.observed_total_people,
                                                scenario.days)
        self.initial_people = np.zeros(geo.n_locations, dtype=np.int64)
        for name, people in scenario.spawning.initial_people_by_place.items():
            self.initial_people[geo.index(name)] = people
        self.spawned = NO_HOUSEHOLDS

    def initial_households(self, rng: np.random.Generator) -> Households:
        return draw_households(self.initial_people, self.scenario, self.geo, rng)

    def newcomers(self, day: int, danger: np.ndarray, rng: np.random.Generator) -> Households | None:
        n = int(self.entering_people[day])
        if n == 0:
            return None
        w = entry_weights(self.geo, danger)
        per_place = rng.multinomial(n, w / w.sum())
        return draw_households(per_place, self.scenario, self.geo, rng)

    def waiting(self, hh: Households) -> np.ndarray:
        """Newcomers that have not set off yet (still at the place they entered)."""
        return self.spawned[hh.status[self.spawned] == Status.HOME]


def enter(model) -> np.ndarray:
    """Today's newcomers join the model's households; return every newcomer still waiting to
    set off (they flee today, with those the flight-decision model sends)."""
    sp: Spawner = model.spawner
    new = sp.newcomers(model.day, model.conflict.danger[model.day], model.rng)
    if new is not None and len(new):
        start = len(model.households)
        model.households.extend(new)
        sp.spawned = np.concatenate([sp.spawned, np.arange(start, start + len(new))])
        model.people_entered += new.people
        model.recorder.note_entered(start)
    return sp.waiting(model.households)
