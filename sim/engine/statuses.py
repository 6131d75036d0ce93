"""Where a household is (its status), the sets of statuses the transitions allow, and the
households in the statuses few households are in, listed and kept by the transitions.

On a day of the full assault some 8,000 of 455,000 households are in transit and some 100 wait
at a crossing, and travel, destination choice, admission and settling each ask for them. A
fresh ``np.flatnonzero(status == s)`` is a pass over every household (0.3-0.4 ms); the lists of
:class:`StatusLists` are changed with each change of status instead (``Households._change``),
in index order, so they are exactly what the pass would give.
"""

from __future__ import annotations

import functools
from enum import IntEnum

import numpy as np

from sim.engine.index_sets import joined, without


class Status(IntEnum):
    """Where a household is. Initial residents (including long-term IDPs) start at HOME."""

    HOME = 0        # at the place it lived at on day 0 (not displaced in this run)
    TRANSIT = 1     # on the move: at a node overnight or part-way along a road
    CAMP = 2        # admitted to a camp
    HOST = 3        # with host families / rented housing
    OPEN = 4        # in the open or informal shelter: no capacity left where it arrived
    BORDER = 5      # waiting at a closed (or quota-full) border crossing
    CROSSED = 6     # crossed into Turkey (left the modelled area)


N_STATUS = len(Status)
STAYING = (Status.HOME, Status.CAMP, Status.HOST, Status.OPEN, Status.BORDER)
"""Statuses a household can set off from (flight, moving on, giving up at the border)."""
DISPLACED_STAYING = (Status.CAMP, Status.HOST, Status.OPEN, Status.BORDER)
"""Statuses of displaced households staying somewhere (they can go home from these)."""
ON_THE_ROAD = (Status.TRANSIT,)
"""The status of households travelling: on a road or waiting at a node for one."""
LISTED = (Status.TRANSIT, Status.BORDER)
"""Statuses whose households :meth:`Households.members` lists, kept by the transitions: few
households are in them (some 8,000 and 100 of 455,000 on a day of the full assault), and
several rules a day ask for them."""


@functools.cache
def allowed_flags(statuses: tuple[Status, ...]) -> np.ndarray:
    """One flag per status: is it among ``statuses``."""
    flags = np.zeros(N_STATUS, dtype=bool)
    flags[list(statuses)] = True
    flags.flags.writeable = False
    return flags


def status_in(status: np.ndarray, statuses) -> np.ndarray:
    """``np.isin(status, statuses)``, by comparisons with the fewer of the statuses in or out:
    over all households a few comparisons of int8 cost a tenth of one lookup in a table."""
    wanted = {int(s) for s in statuses}
    if 2 * len(wanted) <= N_STATUS:
        out = np.zeros(status.shape, dtype=bool)
        for s in sorted(wanted):
            out |= status == s
        return out
    out = np.ones(status.shape, dtype=bool)
    for s in range(N_STATUS):
        if s not in wanted:
            out &= status != s
    return out


class StatusLists:
    """For each of ``statuses``, the households in it, in index order."""

    def __init__(self, status: np.ndarray, statuses) -> None:
        self.rows = {int(s): np.flatnonzero(status == s) for s in statuses}

    def move(self, idx: np.ndarray, before: np.ndarray, after: np.ndarray) -> None:
        """Households ``idx`` (distinct) went from statuses ``before`` to ``after`` (one each,
        or one for all, as most transitions give it). A list handed out before is left as it
        was (new arrays)."""
        if len(idx) == 0:
            return
        for s, rows in self.rows.items():
            if len(after) == 1:          # one new status: households join the list or leave it
                joins = after[0] == s
                leaving, joining = (idx[:0], idx[before != s]) if joins else (idx[before == s], idx[:0])
            else:
                was, now = before == s, after == s
                leaving, joining = idx[was & ~now], idx[now & ~was]
            if len(leaving):
                rows = without(rows, np.sort(leaving))
            if len(joining):
                rows = joined(rows, np.sort(joining))
            self.rows[s] = rows

    def extend(self, start: int, status: np.ndarray) -> None:
        """Households entering at rows ``start``, ``start + 1``, ... with ``status``."""
        for s, rows in self.rows.items():
            self.rows[s] = np.concatenate([rows, start + np.flatnonzero(status == s)])

    def wrong(self, status: np.ndarray, people: np.ndarray, head_count: np.ndarray) -> int:
        """The first status whose list is not the households in it, else -1: each listed
        household must have that status, and the listed people must be all the people a fresh
        ``head_count`` [status, place] finds in it (sizes are at least 1, so a household left
        out or listed twice shows)."""
        for s, rows in self.rows.items():
            if not ((status[rows] == s).all() and people[rows].sum() == head_count[s].sum()):
                return s
        return -1
