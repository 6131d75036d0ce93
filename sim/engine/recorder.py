"""Daily observation of the model into preallocated arrays: the model's one collection mechanism.

Each night the recorder counts the households (people by status and location, and the
counts that need more than that: :meth:`Recorder.count_tonight`, kept from night to night by
moving only the households that changed) and the model hands over the day's flows; nothing
here changes model state, and the recorder does not hold the model. :mod:`sim.io.dataset` turns the arrays into an
xarray Dataset with units and metadata.
"""

from __future__ import annotations

import mmap

import numpy as np
from numba import njit

from sim.engine.households import GROUPS, N_STATUS, Households, Status
from sim.world.geography import Geography

COHORT_DAYS_MAX_COHORTS = 200
"""Runs up to this many days record one cohort per day of first displacement (every sitrep
window exact); longer runs one per week, so the array stays days x 200 x sub-districts at most."""


def cohort_days(days: int) -> int:
    """Length of a cohort (days of first displacement grouped together) for a run of ``days``."""
    return 1 if days <= COHORT_DAYS_MAX_COHORTS else 7


HUGE_PAGE_THRESHOLD_BYTES = 1 << 22
"""NumPy asks the kernel for huge pages (2 MB) for arrays of this size and more."""


def zeros_in_small_pages(shape: tuple[int, ...] | int) -> np.ndarray:
    """Zeros (float64) in memory mapped page by page (4 kB), not in huge pages.

    The recorder writes its arrays a day's row at a time. In huge pages, the first write to
    each 2 MB has the kernel find (compacting memory, if need be) and clear a huge page, which
    stalled a night's count by milliseconds at a time: the night's count took 0.42-0.60 s a
    full-scale run, and 0.29-0.45 s in small pages (four runs each way, in turns). Small pages
    cost a fault per 4 kB, a few tens of ms in all. Small arrays are NumPy's as usual."""
    n = int(np.prod(shape))
    if n * 8 < HUGE_PAGE_THRESHOLD_BYTES:
        return np.zeros(shape)
    buffer = mmap.mmap(-1, n * 8)        # anonymous: zero-filled as first touched
    if hasattr(mmap, "MADV_NOHUGEPAGE"):  # Linux; where huge pages are always on, too
        buffer.madvise(mmap.MADV_NOHUGEPAGE)
    return np.frombuffer(buffer, dtype=np.float64, count=n).reshape(shape)


STATUS_HOME, STATUS_TRANSIT = int(Status.HOME), int(Status.TRANSIT)
STATUS_CAMP, STATUS_CROSSED = int(Status.CAMP), int(Status.CROSSED)


class Recorder:
    """Stocks and flows per day of one run, for ``days`` days of ``households`` on ``geography``.

    The origins (home sub-districts of the outputs) are the geography's sub-districts.
    """

    def __init__(self, households: Households, geography: Geography, days: int):
        geo = geography
        n_loc, n_edge = geo.n_locations, geo.n_edges
        self.households = households
        self.n_locations = n_loc
        self.is_camp = geo.kind == "camp"
        self.origins = geo.subdistrict_names
        origin_of = {s: k for k, s in enumerate(self.origins)}
        self.origin_of_location = np.array(
            [origin_of.get(str(s), -1) for s in geo.subdistrict], dtype=np.int64)
        n_orig = len(self.origins)
        f = zeros_in_small_pages
        self.by_status = f((days, N_STATUS, n_loc))        # people [day, status, location]
        self.arrivals = f((days, n_loc))
        self.entered = f((days, n_loc))
        self._entered_today = np.zeros(n_loc)
        self.departures = f((days, n_loc))
        self.flights = f((days, n_loc))
        self.new_displaced = f((days, n_loc))
        self.border_crossings = f((days, n_loc))
        self.flow = f((days, n_edge, 2))
        self.camp_occupancy = f((days, n_loc))
        self.displaced_by_group = f((days, len(GROUPS)))
        self.displaced_by_origin = f((days, n_orig, n_loc))
        self.in_camp_by_origin = f((days, n_orig))
        self.cumulative_displaced = f(days)
        self.cumulative_flights = f(days)
        self.queued = f((days, n_loc))                      # in transit, at a node tonight
        self.settled_in_open = f((days, n_loc))
        self._settled_today = np.zeros(n_loc)
        self.journeys_ended = f(days + 1)                   # people by journey days (1, 2, ...)
        self.camp_capacity = f((days, n_loc))
        self.returns = f((days, n_loc))                     # by home place
        self.returned_home = f((days, n_loc))               # displaced in this run, at home again
        self.left_home = f((days, n_loc))                   # first flights and flights after a return
        self._left_home_today = np.zeros(n_loc)
        self._returns_today = np.zeros(n_loc)
        self.camp_capacity_opened = f((days, n_loc))
        self._pending = (np.zeros(n_loc), np.zeros(n_loc), np.zeros(n_loc))
        hh = households   # fixed per household: age/sex mix and home sub-district
        self.mix = np.column_stack([getattr(hh, g) for g in GROUPS]).astype(np.int64)
        self.origin_of_household = self.origin_of_location[hh.home].astype(np.int16)   # -1: none
        self._groups_now = np.zeros(len(GROUPS))
        # new IDPs present by cohort (period of first displacement) and sub-district: any
        # sitrep window "displaced since day d, present at day t" is a sum over cohorts
        keys = list(dict.fromkeys(str(k) for k in geo.subdistrict_key))   # as the dataset's
        self.subdistrict_of_location = np.array([keys.index(str(k)) for k in geo.subdistrict_key])
        self.cohort_days = cohort_days(days)
        # The cohort of each day of first displacement: a look-up, not a division per household.
        self.cohort_of_day = np.arange(days) // self.cohort_days
        self.new_idps_by_cohort = f((days, -(-days // self.cohort_days), len(keys)))
        # What each household was counted as last night, and tonight's running counts.
        self._counted = _Counted(len(households), [
            (N_STATUS, n_loc), (n_loc,), (n_loc,), (n_orig, n_loc),
            self.new_idps_by_cohort.shape[1:], (n_orig,)])

    def note_departures(self, leaving: np.ndarray, flights: np.ndarray, first: np.ndarray,
                        from_home: np.ndarray | None = None) -> None:
        """Called as households set off, while ``location`` is still where they leave from;
        ``from_home``: those leaving their home (first flights, and flights after a return;
        default ``first``)."""
        hh, n = self.households, self.n_locations

        def people_at(idx):
            return np.bincount(hh.location[idx], weights=hh.people_weight[idx], minlength=n)

        self._pending = (people_at(leaving), people_at(flights), people_at(first))
        left_home = first if from_home is None else from_home
        self._left_home_today = people_at(left_home)
        self._groups_now = self._groups_now + self._mix_of(left_home)

    def _mix_of(self, idx: np.ndarray) -> np.ndarray:
        """People per age/sex group of households ``idx`` (``take``: half the time of ``[idx]``)."""
        return self.mix.take(idx, axis=0).sum(axis=0)

    def note_returns(self, idx: np.ndarray) -> None:
        """Households ``idx`` go home today: counted by home place; no longer displaced."""
        hh = self.households
        self._returns_today += np.bincount(hh.home[idx], weights=hh.people_weight[idx], minlength=self.n_locations)
        self._groups_now = self._groups_now - self._mix_of(idx)

    def note_entered(self, start: int) -> None:
        """Households ``start:`` just entered the system (spawning mode): their fixed traits."""
        hh, n = self.households, self.n_locations
        new = slice(start, None)
        self.mix = np.concatenate([self.mix, np.column_stack(
            [getattr(hh, g)[new] for g in GROUPS]).astype(np.int64)])
        self.origin_of_household = np.concatenate([self.origin_of_household,
                                                   self.origin_of_location[hh.home[new]].astype(np.int16)])
        self._entered_today += np.bincount(hh.home[new], weights=hh.people_weight[new], minlength=n)

    def note_journeys_ended(self, idx: np.ndarray, day: int) -> None:
        """Households ``idx`` ended a journey today (arrived, or settled on the way): its
        length in days, the day of setting off counting as the first."""
        hh = self.households
        days = np.clip(day - hh.journey_start_day[idx].astype(np.int64) + 1, 1, len(self.journeys_ended) - 1)
        self.journeys_ended += np.bincount(days, weights=hh.people_weight[idx], minlength=len(self.journeys_ended))

    def note_capacity(self, day: int, camp_capacity: np.ndarray, opened: np.ndarray) -> None:
        """Today's camp capacity (people) and the places the response opened today."""
        self.camp_capacity[day] = camp_capacity
        self.camp_capacity_opened[day] = opened

    def note_settled(self, idx: np.ndarray) -> None:
        """Households ``idx`` settled in the open today where they are (journeys that ended,
        waits at a closed crossing that did)."""
        hh = self.households
        self._settled_today += np.bincount(hh.location[idx], weights=hh.people_weight[idx],
                                           minlength=self.n_locations)

    def note_crossed(self, crossed: np.ndarray) -> None:
        """Households that crossed the border today leave the displaced present in the area."""
        hh = self.households
        was_displaced = crossed[hh.displaced_day[crossed] >= 0]
        self._groups_now = self._groups_now - self._mix_of(was_displaced)

    def record(self, day: int, head_count: np.ndarray, flow: np.ndarray, crossed: np.ndarray,
               arrived: np.ndarray) -> None:
        """Store day ``day``: ``head_count`` people [status, location] at the end of the day,
        ``flow`` people entering each road [road, direction], ``crossed`` people crossing per
        location, ``arrived`` the households that reached their destination today."""
        hh, counts = self.households, head_count
        n = counts.shape[1]
        self.by_status[day] = counts
        self.departures[day], self.flights[day], self.new_displaced[day] = self._pending
        self._pending = (np.zeros(n), np.zeros(n), np.zeros(n))
        self.entered[day], self._entered_today = self._entered_today, np.zeros(n)
        self.arrivals[day] = np.bincount(hh.location[arrived], weights=hh.people_weight[arrived], minlength=n)
        self.border_crossings[day] = crossed
        self.flow[day] = flow
        self.settled_in_open[day], self._settled_today = self._settled_today, np.zeros(n)
        self.returns[day], self._returns_today = self._returns_today, np.zeros(n)
        self.left_home[day], self._left_home_today = self._left_home_today, np.zeros(n)
        self.camp_occupancy[day] = counts[Status.CAMP] + np.where(self.is_camp, counts[Status.HOME], 0)

        before = day > 0
        self.cumulative_displaced[day] = (self.cumulative_displaced[day - 1] if before else 0) \
            + self.new_displaced[day].sum()
        self.cumulative_flights[day] = (self.cumulative_flights[day - 1] if before else 0) \
            + self.flights[day].sum()
        # groups: running totals, updated as households are first displaced or cross over
        self.displaced_by_group[day] = self._groups_now

    def count_tonight(self, day: int) -> np.ndarray:
        """Tonight's head-count, people by [status, location] (returned), and the counts of
        ``day`` that need more than status and place (stored in the day's rows).

        The counts are kept from night to night: a pass over the households finds those whose
        status, place, road or day of first displacement changed since the last count (a few
        in a hundred a day) and moves their people from the cells they were counted in to
        their new ones (:func:`recount_changed`). People are whole numbers, so the counts are
        exactly those of counting everyone afresh (:meth:`census_afresh`; tests/test_recorder.py).
        """
        hh, c = self.households, self._counted
        if len(c.status) < len(hh):          # households entered (spawning): not counted yet
            c.extend(len(hh) - len(c.status))
        _recount(hh, c, self)
        head_count, returned_home, queued, by_origin, by_cohort, in_camp = c.counts
        self.returned_home[day] = returned_home
        self.queued[day] = queued
        self.displaced_by_origin[day] = by_origin
        self.new_idps_by_cohort[day] = by_cohort
        self.in_camp_by_origin[day] = in_camp
        return head_count.copy()

    def census_afresh(self) -> list[np.ndarray]:
        """Tonight's counts of :meth:`count_tonight` from a pass over every household as if
        none had been counted (head-count, returned home, queued, displaced by origin, new
        IDPs by cohort, in camps by origin)."""
        hh = self.households
        fresh = _Counted(len(hh), self._counted.shapes)
        _recount(hh, fresh, self)
        return fresh.counts


def _recount(hh: Households, counted: "_Counted", rec: Recorder) -> int:
    return recount_changed(hh.status, hh.location, hh.next_node, hh.displaced_day, hh.people_weight,
                           counted.status, counted.location, counted.next_node,
                           counted.displaced_day, counted.people, rec.origin_of_household,
                           rec.subdistrict_of_location, rec.cohort_of_day, *counted.counts)


class _Counted:
    """What each household was counted as at the last night's count (status -1: not counted
    yet), and the running counts."""

    def __init__(self, n_households: int, shapes: list[tuple[int, ...]]):
        self.shapes = shapes
        self.status = np.full(n_households, -1, dtype=np.int8)
        self.location = np.zeros(n_households, dtype=np.int16)
        self.next_node = np.zeros(n_households, dtype=np.int16)
        self.displaced_day = np.zeros(n_households, dtype=np.int16)
        self.people = np.zeros(n_households)
        self.counts = self.zeroed_counts()

    def zeroed_counts(self) -> list[np.ndarray]:
        return [np.zeros(shape) for shape in self.shapes]

    def extend(self, n: int) -> None:
        for name, fill in (("status", -1), ("location", 0), ("next_node", 0),
                           ("displaced_day", 0), ("people", 0.0)):
            old = getattr(self, name)
            setattr(self, name, np.concatenate([old, np.full(n, fill, dtype=old.dtype)]))


@njit(cache=True)
def recount_changed(status, location, next_node, displaced_day, people, was_status, was_location,
                    was_next_node, was_displaced_day, was_people, origin, subdistrict_of_location,
                    cohort_of_day, head_count, returned_home, queued, displaced_by_origin,
                    new_idps_by_cohort, in_camp_by_origin):
    """Bring tonight's counts up to date: each household whose status, place, next node or day
    of first displacement differs from what it was counted as (``was_*``; status -1: not
    counted yet) leaves the cells it was counted in and enters its new ones, and is noted as
    counted so. Returns how many changed. With nobody counted yet, it is the census of all.

    The counts: the head-count by [status, place] (:meth:`Households.head_count`); displaced in
    this run and back home, by place; in transit and waiting at a node, by place; displaced
    in this run and present (not home again, not crossed) by [home sub-district of the
    outputs, place] and by [cohort of first displacement, sub-district]; in camps by origin.
    Households from no origin (-1) are left out of the by-origin counts. People are whole
    numbers: every sum is exact, in any order. (One body for leaving and entering, inline:
    numba passes arrays to a called kernel at a cost per call that would outweigh the count.)
    """
    n_changed = 0
    for i in range(len(status)):
        old = was_status[i]
        # One test of all four (not four branches): NumPy-fast over the unchanged many.
        if not ((status[i] != old) | (location[i] != was_location[i])
                | (next_node[i] != was_next_node[i]) | (displaced_day[i] != was_displaced_day[i])):
            continue
        o = origin[i]
        for entering in range(2):
            if entering:
                w, s, where = people[i], status[i], location[i]
                road_ahead, first = next_node[i], displaced_day[i]
            elif old >= 0:
                w, s, where = -was_people[i], old, was_location[i]
                road_ahead, first = was_next_node[i], was_displaced_day[i]
            else:
                continue
            head_count[s, where] += w
            if s == STATUS_HOME:
                if first >= 0:
                    returned_home[where] += w
                continue
            if s == STATUS_TRANSIT and road_ahead < 0:
                queued[where] += w
            if s == STATUS_CAMP and o >= 0:
                in_camp_by_origin[o] += w
            if first >= 0 and s != STATUS_CROSSED:
                if o >= 0:
                    displaced_by_origin[o, where] += w
                new_idps_by_cohort[cohort_of_day[first], subdistrict_of_location[where]] += w
        was_status[i], was_location[i], was_next_node[i] = status[i], location[i], next_node[i]
        was_displaced_day[i], was_people[i] = displaced_day[i], people[i]
        n_changed += 1
    return n_changed




def journey_days_quantile(journeys_ended: np.ndarray, q: float) -> float:
    """The ``q`` quantile of journey length (days) over people whose journey ended: the
    shortest length at or below which a share ``q`` of them travelled; NaN if none did.
    ``journeys_ended[d]`` holds the people whose journey lasted ``d`` days."""
    total = journeys_ended.sum()
    if total <= 0:
        return float("nan")
    return float(np.searchsorted(np.cumsum(journeys_ended), q * total - 1e-9))
