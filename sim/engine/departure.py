"""Departure: wanting to leave is not being able to (docs/model.md, 7.11).

The flight rule (:mod:`sim.engine.decisions`) says who *wants* to flee. Here a household that
has decided prepares for a drawn number of days (fewer the heavier the danger: under the guns
people run with what they carry), then leaves on the first day it has the means:

1. its own vehicle;
2. else a seat in someone else's vehicle at its place: each vehicle there offers
   ``spare_seats_per_vehicle`` seats per trip, ``shared_trips_per_day`` trips if its owners
   stay and one if they leave today; seats go to the households ready to leave in a random
   order each day, while the people fit;
3. else hired transport, for a household that can pay, with a daily chance;
4. else on foot, with a daily chance that is lower for a family with an elderly member or
   many children;
5. else it waits, and tries again tomorrow;

and only as many leave a place each day as its open roads can take beyond the people already
queued there (:func:`exit_room_people`): when the roads out are jammed, the rest wait at home
(or in their shelter) rather than in the queue.

So a place under fire empties over days, at a pace set by its vehicles and its people's money,
rather than overnight (issue 10: surges were too sharp). Evidence and estimates:
sim/config/departure.py and sim/data/idlib/sources.md (R01-R06, R16).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.departure import DepartureConfig
from sim.engine.allocation import grouped_fits
from sim.engine.households import Households

NOBODY = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class Departures:
    """Households leaving today to flee, and whether each goes by vehicle (else on foot)."""

    households: np.ndarray
    by_vehicle: np.ndarray

    @classmethod
    def none(cls) -> Departures:
        return cls(NOBODY, np.zeros(0, dtype=bool))

    def __len__(self) -> int:
        return len(self.households)

    def mode_among(self, movers: np.ndarray, mode: np.ndarray) -> None:
        """Write today's means (by vehicle or not) into ``mode`` for the flights among
        ``movers`` (sorted household indices; ``mode`` one entry per mover)."""
        at = np.searchsorted(movers, self.households)
        found = at < len(movers)
        found[found] = movers[at[found]] == self.households[found]
        mode[at[found]] = self.by_vehicle[found]


def preparation_days(danger: np.ndarray, mean_days: float, rng: np.random.Generator) -> np.ndarray:
    """Days between deciding and being ready: geometric on 0, 1, 2, ... with mean
    ``mean_days x (1 - danger)``, so none under front-line danger (1)."""
    mean = mean_days * (1.0 - np.clip(danger, 0.0, 1.0))
    return rng.geometric(1.0 / (1.0 + mean)) - 1


def shared_seats_people(hh: Households, own_vehicle_leaving: np.ndarray, n_locations: int,
                        d: DepartureConfig) -> np.ndarray:
    """Seats for other households per place today (people): the vehicles of households
    staying there make ``shared_trips_per_day`` trips, those leaving today one."""
    vehicles = hh.vehicles_staying(n_locations)
    leaving = np.bincount(hh.location[own_vehicle_leaving], minlength=n_locations).astype(float)
    trips = d.shared_trips_per_day * (vehicles - leaving) + leaving
    return d.spare_seats_per_vehicle * trips


def exit_room_people(geo, usable: np.ndarray, road_capacity_people_per_day: np.ndarray,
                     queued_people: np.ndarray) -> np.ndarray:
    """People per place who can still get onto a road out today: the daily capacity of the
    roads usable out of it (each direction's own) less the people queued there already."""
    n = geo.n_locations
    # float: an empty bincount is int64 (no road usable at all)
    out = np.bincount(geo.edge_from[usable[:, 0]], weights=road_capacity_people_per_day[usable[:, 0]],
                      minlength=n).astype(float)
    out += np.bincount(geo.edge_to[usable[:, 1]], weights=road_capacity_people_per_day[usable[:, 1]],
                       minlength=n)
    return np.maximum(out - queued_people, 0.0)


def has_dependants(hh: Households, idx: np.ndarray, d: DepartureConfig) -> np.ndarray:
    """Families slower on foot: an elderly member, or ``dependant_children`` children or more."""
    return (hh.elderly[idx] > 0) | (hh.children[idx] >= d.dependant_children)


def leave_today(hh: Households, ready: np.ndarray, n_locations: int, d: DepartureConfig,
                rng: np.random.Generator, exit_room: np.ndarray | None = None) -> Departures:
    """Which of the households ``ready`` to flee leave today, and how (see the module);
    ``exit_room``: people per place the roads out can still take today (None: no limit)."""
    if len(ready) == 0:
        return Departures.none()
    if d.mode == "immediate":
        return Departures(ready, hh.has_vehicle[ready].copy())
    if exit_room is not None:
        ready = rng.permutation(ready)
        ready = ready[grouped_fits(hh.location[ready], hh.people_weight[ready], exit_room)]
    own = ready[hh.has_vehicle[ready]]
    without = rng.permutation(ready[~hh.has_vehicle[ready]])
    seats = shared_seats_people(hh, own, n_locations, d)
    seated = grouped_fits(hh.location[without], hh.people_weight[without], seats)
    rest = without[~seated]
    hired = hh.can_pay_transport[rest] & (rng.random(len(rest)) < d.hired_transport_per_day)
    walk_chance = d.walk_per_day * np.where(has_dependants(hh, rest, d), d.walk_dependants_factor, 1.0)
    walking = ~hired & (rng.random(len(rest)) < walk_chance)
    driven = np.concatenate([own, without[seated], rest[hired]])
    leaving = np.concatenate([driven, rest[walking]])
    by_vehicle = np.arange(len(leaving)) < len(driven)
    order = np.argsort(leaving, kind="stable")      # in index order, like the other movers
    return Departures(leaving[order], by_vehicle[order])
