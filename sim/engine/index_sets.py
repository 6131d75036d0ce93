"""Sets of household indices held as ascending arrays (as ``np.flatnonzero`` gives them):
their union, and one list with some indices leaving it and others joining, in linear time.

The engine's lists of households are in index order, so that draws made over them follow the
same order on every run. NumPy's set routines sort their input afresh, and ``np.unique`` of
NumPy 2.3+ hashes it first: for the few thousand movers of a day it took 0.45 ms, where a
stable sort, which merges the already sorted runs, takes a twentieth of that.
"""

from __future__ import annotations

import numpy as np
from numba import njit


def union_of(*arrays: np.ndarray) -> np.ndarray:
    """``np.unique(np.concatenate(arrays))`` of ascending index arrays."""
    both = np.sort(np.concatenate(arrays), kind="stable")   # merges the runs
    if len(both) == 0:
        return both
    return both[np.concatenate(([True], both[1:] != both[:-1]))]


@njit(cache=True)
def without(rows, leaving):
    """``rows`` (ascending) without ``leaving`` (ascending, among them), in one pass. If a
    household leaving is not listed, it and those after it may stay: the daily check
    (:meth:`StatusLists.wrong`) sees a list that is not the households in its status."""
    out = np.empty(len(rows), dtype=rows.dtype)
    n = j = 0
    for i in range(len(rows)):
        if j < len(leaving) and rows[i] == leaving[j]:
            j += 1
            continue
        out[n] = rows[i]
        n += 1
    return out[:n]


@njit(cache=True)
def joined(rows, joining):
    """``rows`` and ``joining`` (both ascending, none in both), ascending, in one pass."""
    out = np.empty(len(rows) + len(joining), dtype=rows.dtype)
    n = i = 0
    for k in range(len(joining)):
        while i < len(rows) and rows[i] < joining[k]:
            out[n] = rows[i]
            n += 1
            i += 1
        out[n] = joining[k]
        n += 1
    out[n:] = rows[i:]
    return out
