"""Daily observation of the model into preallocated arrays (the model's data-collection hook).

Each day's counts come from one pass of ``np.bincount`` over the household arrays keyed by
(status, location); nothing here changes model state. :mod:`sim.io.dataset` turns the arrays
into an xarray Dataset with units and metadata.
"""

from __future__ import annotations

import numpy as np

from sim.engine.households import GROUPS, Status

N_STATUS = len(Status)


class Recorder:
    def __init__(self, model):
        geo = model.geography
        days, n_loc, n_edge = model.config.days, geo.n_locations, geo.n_edges
        self.model = model
        self.origins = geo.subdistrict_names
        origin_of = {s: k for k, s in enumerate(self.origins)}
        self.origin_of_location = np.array(
            [origin_of.get(str(s), -1) for s in geo.subdistrict], dtype=np.int64)
        n_orig = len(self.origins)
        f = np.zeros
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
        self._pending = (np.zeros(n_loc), np.zeros(n_loc), np.zeros(n_loc))
        hh = model.households   # fixed per household: age/sex mix and home sub-district
        self.mix = np.column_stack([getattr(hh, g) for g in GROUPS]).astype(np.int64)
        self.origin_of_household = self.origin_of_location[hh.home]
        self._groups_now = np.zeros(len(GROUPS))
        self.displaced_now = 0
        self.in_transit_now = 0
        self.crossed_now = 0

    def status_counts(self) -> np.ndarray:
        """People by [status, location] right now."""
        hh, n = self.model.households, self.model.geography.n_locations
        key = hh.status.astype(np.int64) * n + hh.location
        return np.bincount(key, weights=hh.size, minlength=N_STATUS * n).reshape(N_STATUS, n)

    def note_departures(self, leaving: np.ndarray, flights: np.ndarray, first: np.ndarray) -> None:
        """Called as households set off, while ``location`` is still where they leave from."""
        hh, n = self.model.households, self.model.geography.n_locations

        def people_at(idx):
            return np.bincount(hh.location[idx], weights=hh.size[idx], minlength=n)

        self._pending = (people_at(leaving), people_at(flights), people_at(first))
        self._groups_now = self._groups_now + self.mix[first].sum(axis=0)

    def note_entered(self, start: int) -> None:
        """Households ``start:`` just entered the system (spawning mode): their fixed traits."""
        hh, n = self.model.households, self.model.geography.n_locations
        new = slice(start, None)
        self.mix = np.concatenate([self.mix, np.column_stack(
            [getattr(hh, g)[new] for g in GROUPS]).astype(np.int64)])
        self.origin_of_household = np.concatenate([self.origin_of_household,
                                                   self.origin_of_location[hh.home[new]]])
        self._entered_today += np.bincount(hh.home[new], weights=hh.size[new], minlength=n)

    def note_crossed(self, crossed: np.ndarray) -> None:
        """Households that crossed the border today leave the displaced present in the area."""
        hh = self.model.households
        was_displaced = crossed[hh.displaced_day[crossed] >= 0]
        self._groups_now = self._groups_now - self.mix[was_displaced].sum(axis=0)

    def record(self, day: int, flow: np.ndarray, crossed: np.ndarray, arrived: np.ndarray) -> None:
        model = self.model
        hh, geo = model.households, model.geography
        n = geo.n_locations
        counts = self.status_counts()
        total = counts.sum()
        expected = model.initial_people + model.people_entered
        if total != expected:
            raise RuntimeError(f"people not conserved on day {day}: {total} != {expected}")
        self.by_status[day] = counts
        self.departures[day], self.flights[day], self.new_displaced[day] = self._pending
        self._pending = (np.zeros(n), np.zeros(n), np.zeros(n))
        self.entered[day], self._entered_today = self._entered_today, np.zeros(n)
        self.arrivals[day] = np.bincount(hh.location[arrived], weights=hh.size[arrived], minlength=n)
        self.border_crossings[day] = crossed
        self.flow[day] = flow
        camp_node = geo.kind == "camp"
        self.camp_occupancy[day] = counts[Status.CAMP] + np.where(camp_node, counts[Status.HOME], 0)

        before = day > 0
        self.cumulative_displaced[day] = (self.cumulative_displaced[day - 1] if before else 0) \
            + self.new_displaced[day].sum()
        self.cumulative_flights[day] = (self.cumulative_flights[day - 1] if before else 0) \
            + self.flights[day].sum()
        present = np.flatnonzero((hh.displaced_day >= 0) & (hh.status != Status.CROSSED))
        # groups: running totals, updated as households are first displaced or cross over
        self.displaced_by_group[day] = self._groups_now
        origin = self.origin_of_household[present]
        ok = origin >= 0
        okey = origin[ok] * n + hh.location[present[ok]]
        self.displaced_by_origin[day] = np.bincount(
            okey, weights=hh.size[present[ok]], minlength=len(self.origins) * n
        ).reshape(len(self.origins), n)

        camp = np.flatnonzero(hh.status == Status.CAMP)
        corigin = self.origin_of_household[camp]
        cok = corigin >= 0
        self.in_camp_by_origin[day] = np.bincount(corigin[cok], weights=hh.size[camp[cok]],
                                                  minlength=len(self.origins))

        moved = counts[[Status.TRANSIT, Status.CAMP, Status.HOST, Status.OPEN, Status.BORDER]]
        self.displaced_now = int(moved.sum())
        self.in_transit_now = int(counts[Status.TRANSIT].sum())
        self.crossed_now = int(counts[Status.CROSSED].sum())
