"""Arrival: admission to camps and host communities up to capacity, and the border.

Camps admit arrivals until full, in a random order each day; host communities (kin, rented
rooms, unfinished buildings) likewise up to their host capacity. Whoever does not fit stays at
the place in the open (informal shelter) - never silently over capacity - and may move on
later. With ``capacity.shelter_from_open``, people already in the open at a place take its
places as they free up or open (the humanitarian response, :mod:`sim.engine.response`),
longest waiting first and before the day's arrivals. At a border crossing the day's policy decides: ``open`` lets everyone through,
``quota`` lets people through in order of arrival up to the day's quota, ``closed`` lets no
one through and people wait at the border (the 2018-20 reality: a sealed border wall).
"""

from __future__ import annotations

import numpy as np

from sim.engine.allocation import grouped_fits
from sim.engine.households import Households, Status
from sim.engine.tallies import waiting_in_reach
from sim.world.border import BorderTimeline
from sim.world.geography import Geography


def occupancy(hh: Households, geo: Geography) -> tuple[np.ndarray, np.ndarray]:
    """People occupying camp places and host places per location right now.

    Day-0 residents of camp clusters occupy camp places (they are counted against capacity).
    """
    counts = hh.tally(geo.n_locations)
    camp = counts[Status.CAMP] + np.where(geo.kind == "camp", counts[Status.HOME], 0.0)
    return camp, counts[Status.HOST]


def admit(hh: Households, arrived: np.ndarray, geo: Geography, camp_capacity: np.ndarray,
          host_capacity: np.ndarray, border: BorderTimeline, day: int,
          rng: np.random.Generator, shelter_open_at: np.ndarray | None = None
          ) -> tuple[np.ndarray, np.ndarray]:
    """Settle today's arrivals; return people who crossed per location, and who crossed.
    ``shelter_open_at`` (places, bool): where people in the open take free places first
    (``capacity.shelter_from_open``; None: nowhere)."""
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
    queue = hh.members(Status.BORDER)
    queue = queue[letting_through[hh.location[queue]]]
    if len(queue):
        # First come, first served; ties (same arrival day) in random order.
        queue = rng.permutation(queue)
        queue = queue[np.argsort(hh.arrival_day[queue], kind="stable")]
        where = hh.location[queue].astype(np.int64)
        fits = grouped_fits(where, hh.people_weight[queue], border.quota_people_per_day[day])
        through = queue[fits]
        hh.cross_border(through)
        crossed_people = np.bincount(hh.location[through], weights=hh.people_weight[through], minlength=n)

    if shelter_open_at is None and len(settle) == 0:
        return crossed_people, through
    camp_occ, host_occ = occupancy(hh, geo)
    camp_free = np.maximum(camp_capacity - camp_occ, 0.0)
    host_free = np.maximum(host_capacity - host_occ, 0.0)
    if shelter_open_at is not None:
        camp_ok = np.where(shelter_open_at, camp_free, 0.0)
        host_ok = np.where(shelter_open_at, host_free, 0.0)
        camp_before, host_before = camp_ok.copy(), host_ok.copy()
        shelter_waiting(hh, geo, camp_ok, host_ok, rng)
        camp_free -= camp_before - camp_ok            # the places they took
        host_free -= host_before - host_ok
    if len(settle) == 0:
        return crossed_people, through
    settle = rng.permutation(settle)  # who gets the last places: random order each day
    left = fill_places(hh, settle, geo, camp_free, host_free, hh.admit_to_camp, hh.admit_to_host)
    hh.settle_in_open(left)
    return crossed_people, through


def shelter_waiting(hh: Households, geo: Geography, camp_free: np.ndarray,
                    host_free: np.ndarray, rng: np.random.Generator) -> None:
    """People in the open take the places free where they are (``camp_free``, ``host_free``:
    people, updated), longest waiting first (``arrival_day``; ties in random order)."""
    # Only those who can be reached in the queue: at each place, up to the first arrival day
    # by which the people waiting there fill its room (from the counts the transitions keep,
    # not a sort of everyone).
    waiting = waiting_in_reach(hh.status, hh.location, hh.arrival_day, camp_free + host_free,
                               hh.open_by_arrival(geo.n_locations))
    if len(waiting) == 0:
        return
    waiting = rng.permutation(waiting)
    waiting = waiting[np.argsort(hh.arrival_day[waiting], kind="stable")]
    fill_places(hh, waiting, geo, camp_free, host_free,
                lambda idx: hh.shelter_from_open(idx, camp=True),
                lambda idx: hh.shelter_from_open(idx, camp=False))


def fill_places(hh: Households, queue: np.ndarray, geo: Geography, camp_free: np.ndarray,
                host_free: np.ndarray, to_camp, to_host) -> np.ndarray:
    """Give the households ``queue`` (in priority order) the free camp and host places where
    they are (``camp_free``, ``host_free``: people per place, used up here): camps first at
    camp clusters, host places first elsewhere, then the other kind; each place as a strict
    queue. Returns those left without a place."""
    where = hh.location[queue].astype(np.int64)
    camp_first = (geo.kind == "camp")[where]     # not a string compared per household
    remaining = np.ones(len(queue), dtype=bool)
    for first_pass in (True, False):
        for use_camp in (True, False):
            pick = remaining & (camp_first == use_camp if first_pass else camp_first != use_camp)
            if not pick.any():
                continue
            free = camp_free if use_camp else host_free
            sel = np.flatnonzero(pick)
            fits = grouped_fits(where[sel], hh.people_weight[queue[sel]], free)
            ok = sel[fits]
            np.subtract.at(free, where[ok], hh.people_weight[queue[ok]])
            (to_camp if use_camp else to_host)(queue[ok])
            remaining[ok] = False
    return queue[remaining]
