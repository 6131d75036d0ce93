"""Arrival: admission to camps and host communities up to capacity, and the border.

Camps admit arrivals until full, in a random order each day; host communities (kin, rented
rooms, unfinished buildings) likewise up to their host capacity. Whoever does not fit stays at
the place in the open (informal shelter) - never silently over capacity - and may move on
later. At a border crossing the day's policy decides: ``open`` lets everyone through,
``quota`` lets people through in order of arrival up to the day's quota, ``closed`` lets no
one through and people wait at the border (the 2018-20 reality: a sealed border wall).
"""

from __future__ import annotations

import numpy as np

from sim.engine.allocation import grouped_fits
from sim.engine.households import Households, Status
from sim.world.border import BorderTimeline
from sim.world.geography import Geography


def occupancy(hh: Households, geo: Geography) -> tuple[np.ndarray, np.ndarray]:
    """People occupying camp places and host places per location right now.

    Day-0 residents of camp clusters occupy camp places (they are counted against capacity).
    """
    counts = hh.head_count(geo.n_locations)
    camp = counts[Status.CAMP] + np.where(geo.kind == "camp", counts[Status.HOME], 0.0)
    return camp, counts[Status.HOST]


def admit(hh: Households, arrived: np.ndarray, geo: Geography, camp_capacity: np.ndarray,
          host_capacity: np.ndarray, border: BorderTimeline, day: int,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Settle today's arrivals; return people who crossed per location, and who crossed."""
    n = geo.n_locations
    crossed_people = np.zeros(n)
    through = np.zeros(0, dtype=np.int64)
    is_crossing = geo.kind == "crossing"

    hh.arrive(arrived, day)
    at_crossing = arrived[is_crossing[hh.location[arrived]]]
    settle = arrived[~is_crossing[hh.location[arrived]]]
    hh.queue_at_border(at_crossing)

    # Border: everyone waiting at a crossing (old and new) queues in order of arrival.
    letting_through = border.quota_people_per_day[day] > 0
    queue = np.flatnonzero(hh.status == Status.BORDER)
    queue = queue[letting_through[hh.location[queue]]]
    if len(queue):
        # First come, first served; ties (same arrival day) in random order.
        queue = rng.permutation(queue)
        queue = queue[np.argsort(hh.arrival_day[queue], kind="stable")]
        where = hh.location[queue].astype(np.int64)
        fits = grouped_fits(where, hh.size[queue], border.quota_people_per_day[day])
        through = queue[fits]
        hh.cross_border(through)
        crossed_people = np.bincount(hh.location[through], weights=hh.size[through], minlength=n)

    if len(settle) == 0:
        return crossed_people, through
    camp_occ, host_occ = occupancy(hh, geo)
    camp_free = np.maximum(camp_capacity - camp_occ, 0.0)
    host_free = np.maximum(host_capacity - host_occ, 0.0)
    settle = rng.permutation(settle)  # who gets the last places: random order each day
    where = hh.location[settle].astype(np.int64)
    camp_first = geo.kind[where] == "camp"
    remaining = np.ones(len(settle), dtype=bool)
    for first_pass in (True, False):
        for use_camp in (True, False):
            pick = remaining & (camp_first == use_camp if first_pass else camp_first != use_camp)
            if not pick.any():
                continue
            free = camp_free if use_camp else host_free
            sel = np.flatnonzero(pick)
            fits = grouped_fits(where[sel], hh.size[settle[sel]], free)
            ok = sel[fits]
            np.subtract.at(free, where[ok], hh.size[settle[ok]])
            (hh.admit_to_camp if use_camp else hh.admit_to_host)(settle[ok])
            remaining[ok] = False
    hh.settle_in_open(settle[remaining])
    return crossed_people, through
