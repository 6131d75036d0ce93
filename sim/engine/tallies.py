"""One-pass tallies and selections over the household arrays (numba).

NumPy asks each question of the 455,000 households with a mask, an index array and a gather;
these kernels answer several at once in one pass over the rows. Households are in the order
of their home places, and neighbours mostly share a status, so branches on status are well
predicted; a selection on a household's own trait is not (decisions.flee_candidates). People are whole numbers, so
every sum is exact whatever the order of adding, and selections come out in index order, as
``np.flatnonzero`` gives them: the model's numbers are the same to the last bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.engine.households import Status

HOME, TRANSIT, CAMP, HOST, OPEN, BORDER, CROSSED = (int(s) for s in Status)


@njit(cache=True)
def count_by_status_and_place(status, location, people, out):
    """Add each household's people into ``out[status, location]``."""
    for i in range(len(status)):
        out[status[i], location[i]] += people[i]
    return out


@njit(cache=True)
def hopeful_open_and_sheltered(status, free, location, has_vehicle, hopeful):
    """Households with ``free[i]`` in the open, and in a camp or with hosts, where
    ``hopeful[in_open, location, has_vehicle]`` (sim/engine/onward.py: a review there can end
    in a move), in index order."""
    n = len(status)
    in_open, sheltered = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    n_open = n_sheltered = 0
    for i in range(n):
        if free[i]:
            s = status[i]
            if s == OPEN:
                if hopeful[1, location[i], int(has_vehicle[i])]:
                    in_open[n_open] = i
                    n_open += 1
            elif s == CAMP or s == HOST:
                if hopeful[0, location[i], int(has_vehicle[i])]:
                    sheltered[n_sheltered] = i
                    n_sheltered += 1
    return in_open[:n_open], sheltered[:n_sheltered]


@njit(cache=True)
def waiting_in_reach(status, location, arrival_day, room, open_by_arrival):
    """The households in the open that can be reached in the queue for the ``room`` (people)
    at their place, in index order: at each place with room, those who arrived up to the
    first arrival day by which the people waiting there fill it; everyone at a place whose
    waiting people do not fill it.

    ``open_by_arrival``: the people in the open by [place, arrival day + 1], as the
    transitions keep it (:meth:`Households.open_by_arrival`), so the cut-off days need no
    count of the households. One pass then selects, without a branch on the households (in
    the open or not is a coin toss to the processor late in an offensive)."""
    cutoff = np.full(len(room), -1, dtype=np.int64)   # -1: nobody (arrival day + 1 >= 0)
    for p in range(len(room)):                        # days whose running total is below the room
        if room[p] > 0:
            cutoff[p] = 0
            total = 0.0
            for d in range(open_by_arrival.shape[1]):
                total += open_by_arrival[p, d]
                if total < room[p]:
                    cutoff[p] += 1
    n = len(status)
    waiting = np.empty(n + 1, dtype=np.int64)
    k = 0
    for i in range(n):
        waiting[k] = i                          # kept by moving on
        k += (status[i] == OPEN) & (arrival_day[i] + 1 <= cutoff[location[i]])
    return waiting[:k]


@njit(cache=True)
def displaced_with_safe_home(status, displaced_day, flee_ready_day, home, safe_home, home_start):
    """Households displaced in this run, staying somewhere (camp, host, open, border), with no
    plan to flee, whose home place is ``safe_home``; in index order.

    ``home_start`` (from :meth:`Households.home_rows`; empty if the households are not in
    the order of their homes): the first row of each home place, so only the rows of safe
    homes are read (after the first days of an offensive almost no home is safe)."""
    n = len(status)
    out = np.empty(n, dtype=np.int64)
    k = 0
    by_home = len(home_start) > 0
    for p in range(len(safe_home) if by_home else 1):
        if by_home and not safe_home[p]:
            continue
        for i in range(home_start[p] if by_home else 0, home_start[p + 1] if by_home else n):
            s = status[i]
            if (s == CAMP or s == HOST or s == OPEN or s == BORDER) and displaced_day[i] >= 0 \
                    and flee_ready_day[i] < 0 and safe_home[home[i]]:
                out[k] = i
                k += 1
    return out[:k]
