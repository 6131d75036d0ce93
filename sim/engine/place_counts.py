"""People by status and place, kept by the households' transitions instead of counted.

:class:`~sim.engine.households.Households` moves a household's people from cell to cell as it
changes status, place, destination, road ahead or day of arrival. The rules that need a count
now read it without a pass over 455,000 households: admission's occupancy, the people at home
of the decision to flee, the vehicles of shared seats, the people heading for each place
(onward moves' room, and the destinations routes are searched to), the people queued at each
node for a road out, and the people in the open by place and day of arrival (how far the free
places reach down the queue, :func:`sim.engine.tallies.waiting_in_reach`). People are whole
numbers, so every sum is exact in any order: the counts equal a fresh count to the last bit,
and the model compares the head-count with the recorder's own count every night
(``Households.check_ledger``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

_NO_CELLS, _NO_ROW = np.zeros((0, 0)), np.zeros(0)   # no counts kept
_NO_FLAGS, _NO_SIZES, _NO_LEDGER = np.zeros(0, bool), np.zeros(0, np.int16), np.zeros(0, np.int64)


@dataclass(eq=False)
class PlaceCounts:
    """The counts of one set of households over ``n_locations`` places."""

    people: np.ndarray     # [status, place] people
    vehicles: np.ndarray   # [status, place] households with a vehicle
    heading: np.ndarray    # [place] people in transit towards it (a destination)
    queued: np.ndarray     # [place] people in transit waiting at it (no road ahead)
    open_by_arrival: np.ndarray   # [place, arrival day + 1] people in the open (it widens)
    transit: int           # the status code of being in transit
    in_open: int           # the status code of staying in the open

    @classmethod
    def count(cls, status, location, destination, next_node, arrival_day, people, has_vehicle,
              n_status: int, n_locations: int, transit: int, in_open: int) -> "PlaceCounts":
        """Count them afresh (once, when first asked for)."""
        out = cls(np.zeros((n_status, n_locations)), np.zeros((n_status, n_locations)),
                  np.zeros(n_locations), np.zeros(n_locations), np.zeros((n_locations, 1)),
                  transit, in_open)
        every = np.arange(len(status), dtype=np.int64)
        unseen = np.full(len(status), -1, dtype=status.dtype)   # as if from nowhere
        out.move(unseen, location, destination, next_node, arrival_day, people, has_vehicle,
                 every, status, location, destination, next_node, arrival_day)
        return out

    def add(self, other: "PlaceCounts") -> None:
        self.people += other.people
        self.vehicles += other.vehicles
        self.heading += other.heading
        self.queued += other.queued
        self._widen(other.open_by_arrival.shape[1])
        self.open_by_arrival[:, :other.open_by_arrival.shape[1]] += other.open_by_arrival

    def move(self, status, location, destination, next_node, arrival_day, people, has_vehicle,
             idx, to_status, to_location, to_destination, to_next_node, to_arrival_day) -> None:
        """Households ``idx`` (distinct; their arrays not yet changed) go to ``to_status``,
        ``to_location``, ``to_destination``, ``to_next_node`` and ``to_arrival_day`` (one of
        each per household)."""
        if len(idx):
            to_arrival_day = np.asarray(to_arrival_day, dtype=np.int64)
            self._widen(int(to_arrival_day.max()) + 2)
            _move_counts(self.people, self.vehicles, self.heading, self.queued,
                         self.open_by_arrival, self.transit, self.in_open, status, location,
                         destination, next_node, arrival_day, people, has_vehicle,
                         np.asarray(idx, dtype=np.int64), np.asarray(to_status),
                         np.asarray(to_location, dtype=np.int64),
                         np.asarray(to_destination, dtype=np.int64),
                         np.asarray(to_next_node, dtype=np.int64), to_arrival_day, True, False,
                         _NO_FLAGS, _NO_SIZES, _NO_LEDGER)

    def _widen(self, columns: int) -> None:
        """Room for arrival days up to ``columns - 2`` (doubling: a few times a run)."""
        have = self.open_by_arrival.shape[1]
        if columns > have:
            wider = np.zeros((self.open_by_arrival.shape[0], max(columns, 2 * have)))
            wider[:, :have] = self.open_by_arrival
            self.open_by_arrival = wider


def change_rows(status, location, destination, next_node, arrival_day, people, size,
                has_vehicle, idx, to_status, to_location, to_destination, to_next_node,
                to_arrival_day, allowed: np.ndarray, counts: "PlaceCounts | None",
                ledger: np.ndarray) -> int:
    """Households ``idx`` (distinct) go to ``to_status``, ``to_location``, ``to_destination``,
    ``to_next_node`` and ``to_arrival_day``: written into the households' arrays, their people
    moved in ``counts`` (if kept) and in ``ledger`` (people per status, int64), in one pass.

    Each ``to_*`` holds one value per household, one value for all (length 1), or none (the
    field does not change), in the field's dtype. Nothing changes, and the status of the
    first household whose status is not ``allowed`` (bool per status) is returned, if any
    is not; else -1."""
    if len(idx) == 0:
        return -1
    if counts is None:
        cells = (_NO_CELLS, _NO_CELLS, _NO_ROW, _NO_ROW, _NO_CELLS, 0, 0)
    else:
        if len(to_arrival_day):
            counts._widen(int(to_arrival_day.max()) + 2)
        cells = (counts.people, counts.vehicles, counts.heading, counts.queued,
                 counts.open_by_arrival, counts.transit, counts.in_open)
    return _move_counts(*cells, status, location, destination, next_node, arrival_day, people,
                        has_vehicle, np.asarray(idx, dtype=np.int64), to_status, to_location,
                        to_destination, to_next_node, to_arrival_day, counts is not None, True,
                        allowed, size, ledger)


@njit(cache=True, inline="always")
def _pick(new, j, old):
    """``new`` for household ``j``: its own value, the one value for all, or ``old``."""
    return old if len(new) == 0 else new[j if len(new) > 1 else 0]


@njit(cache=True)
def _move_counts(people_at, vehicles_at, heading, queued, open_by_arrival, transit, in_open,
                 status, location, destination, next_node, arrival_day, people, has_vehicle, idx,
                 to_status, to_location, to_destination, to_next_node, to_arrival_day,
                 count, write, allowed, size, ledger):
    """Move each household ``idx[j]`` out of its cells (none for status -1) into those of
    ``to_*`` (see :func:`_pick`); with ``write``, also write the ``to_*`` into its arrays and
    move its ``size`` in ``ledger``, after checking that every status is ``allowed`` (returns
    the first that is not, before any change; else -1)."""
    if write:
        for j in range(len(idx)):
            if not allowed[status[idx[j]]]:
                return status[idx[j]]
        if len(to_status):             # (no new status: nobody moves in the ledger)
            for j in range(len(idx)):  # from the statuses before any write: a household
                i = idx[j]              # listed twice moves twice, and the ledger shows it
                ledger[status[i]] -= size[i]
                ledger[_pick(to_status, j, status[i])] += size[i]
    for j in range(len(idx)):
        i = idx[j]
        s, at = status[i], location[i]
        ts, tl = _pick(to_status, j, s), _pick(to_location, j, at)
        td, tn = _pick(to_destination, j, destination[i]), _pick(to_next_node, j, next_node[i])
        ta = _pick(to_arrival_day, j, arrival_day[i])
        if count:
            if s == in_open:
                open_by_arrival[at, arrival_day[i] + 1] -= people[i]
            if ts == in_open:
                open_by_arrival[tl, ta + 1] += people[i]
            if s != ts or at != tl:
                if s >= 0:
                    people_at[s, at] -= people[i]
                    vehicles_at[s, at] -= has_vehicle[i]
                people_at[ts, tl] += people[i]
                vehicles_at[ts, tl] += has_vehicle[i]
            if s == transit and destination[i] >= 0:
                heading[destination[i]] -= people[i]
            if ts == transit and td >= 0:
                heading[td] += people[i]
            if s == transit and next_node[i] < 0:
                queued[at] -= people[i]
            if ts == transit and tn < 0:
                queued[tl] += people[i]
        if write:
            status[i], location[i], destination[i], next_node[i], arrival_day[i] = ts, tl, td, tn, ta
    return -1


def read_only(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view
