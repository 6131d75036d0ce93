"""Capacity allocation shared by roads, camps, host communities and border quotas."""

from __future__ import annotations

import numpy as np
from numba import njit


def grouped_fits(group: np.ndarray, amount: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Which requests fit: within each group, in input order (callers shuffle or sort the
    requests into priority order first), while the running total of ``amount`` stays within
    ``capacity[group]`` - a strict queue: once a request does not fit, none after it in its
    group does. Returns a bool mask in input order.

    One pass keeping each group's running total (it sorted the requests by group before,
    for about 0.2 ms a call, 1,700 calls a full-scale run). Amounts are people, whole
    numbers, so every running total is exact in any order of adding.
    """
    if len(group) == 0:
        return np.ones(0, dtype=bool)
    return _fits_in_order(np.asarray(group, dtype=np.int64), np.asarray(amount, dtype=np.float64),
                          np.asarray(capacity, dtype=np.float64))


@njit(cache=True)
def _fits_in_order(group, amount, capacity):
    asked = np.zeros(len(capacity))
    fits = np.empty(len(group), dtype=np.bool_)
    for i in range(len(group)):
        g = group[i]
        asked[g] += amount[i]
        fits[i] = asked[g] <= capacity[g] + 1e-9
    return fits
