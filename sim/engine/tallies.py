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
def open_and_sheltered(status, free):
    """Households with ``free[i]``: those in the open, and those in a camp or with hosts."""
    n = len(status)
    in_open, sheltered = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    n_open = n_sheltered = 0
    for i in range(n):
        if free[i]:
            s = status[i]
            if s == OPEN:
                in_open[n_open] = i
                n_open += 1
            elif s == CAMP or s == HOST:
                sheltered[n_sheltered] = i
                n_sheltered += 1
    return in_open[:n_open], sheltered[:n_sheltered]


@njit(cache=True)
def count_open_and_sheltered(status, flee_ready_day):
    """How many households without a plan to flee are in the open, and in a camp or with
    hosts (:func:`open_and_sheltered` of ``flee_ready_day < 0``, counted, not listed)."""
    n_open = n_sheltered = 0
    for i in range(len(status)):
        s = status[i]
        free = flee_ready_day[i] < 0
        n_open += free & (s == OPEN)
        n_sheltered += free & ((s == CAMP) | (s == HOST))
    return n_open, n_sheltered


@njit(cache=True)
def waiting_in_reach(status, location, arrival_day, people, room):
    """The households in the open that can be reached in the queue for the ``room`` (people)
    at their place, in index order: at each place with room, those who arrived up to the
    first arrival day by which the people waiting there fill it (a count by [place, arrival
    day + 1], not a sort of everyone); everyone at a place whose waiting people do not fill it.

    Two passes without a branch on the households (in the open or not is a coin toss to the
    processor late in an offensive): the count, everyone else in a spare last row; then the
    selection (3.1 against 2.6 ms on day 120 of the full assault). The count has a row for
    each place with room only."""
    n = len(status)
    row = np.empty(len(room), dtype=np.int64)   # the table's row of each place with room
    n_rows = 0
    for p in range(len(room)):
        row[p] = n_rows if room[p] > 0 else -1
        n_rows += room[p] > 0
    span = 1
    for i in range(n):
        span = max(span, arrival_day[i] + 2)
    table = np.zeros((n_rows + 1, span))       # the last row: everyone not waiting for room
    for i in range(n):
        r = row[location[i]]
        r = r if (status[i] == OPEN) & (r >= 0) else n_rows
        table[r, arrival_day[i] + 1] += people[i]
    cutoff = np.zeros(n_rows + 1, dtype=np.int64)   # days whose running total is below the room
    cutoff[n_rows] = -1                              # nobody in the last row (arrival day >= -1)
    for p in range(len(room)):
        r = row[p]
        if r < 0:
            continue
        total = 0.0
        for d in range(span):
            total += table[r, d]
            if total < room[p]:
                cutoff[r] += 1
    waiting = np.empty(n + 1, dtype=np.int64)
    k = 0
    for i in range(n):
        r = row[location[i]]
        waiting[k] = i                          # kept by moving on
        k += (status[i] == OPEN) & (arrival_day[i] + 1 <= cutoff[r if r >= 0 else n_rows])
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


@njit(cache=True)
def ready_to_flee(flee_ready_day, day):
    """Households ready to flee today (``flee_ready_day`` in 0..``day``), in index order
    (selected without a branch, as in :func:`sim.engine.decisions.flee_candidates`)."""
    n = len(flee_ready_day)
    ready = np.empty(n + 1, dtype=np.int64)
    k = 0
    for i in range(n):
        r = flee_ready_day[i]
        ready[k] = i
        k += (r >= 0) & (r <= day)
    return ready[:k]
