"""Capacity allocation shared by roads, camps, host communities and border quotas."""

from __future__ import annotations

import numpy as np


def grouped_fits(group: np.ndarray, amount: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Which requests fit: within each group, in input order (callers shuffle or sort the
    requests into priority order first), while the running total of ``amount`` stays within
    ``capacity[group]``. Returns a bool mask in input order.

    Groups whose whole demand fits are granted without sorting (the common case); the rest
    use a stable integer sort (radix sort for 16-bit keys), so cost stays linear.
    """
    out = np.ones(len(group), dtype=bool)
    if len(group) == 0:
        return out
    demand = np.bincount(group, weights=amount, minlength=len(capacity))
    over = demand > capacity[: len(demand)] + 1e-9
    if not over.any():
        return out
    sel = np.flatnonzero(over[group])
    key = group[sel]
    key = key.astype(np.int16) if len(capacity) < np.iinfo(np.int16).max else key
    order = np.argsort(key, kind="stable")
    g = group[sel][order]
    amt = amount[sel][order].astype(np.float64)
    csum = np.cumsum(amt)
    start = np.ones(len(g), dtype=bool)
    start[1:] = g[1:] != g[:-1]
    base = np.maximum.accumulate(np.where(start, csum - amt, 0.0))
    fits_sorted = (csum - base) <= capacity[g] + 1e-9
    fits = np.empty(len(g), dtype=bool)
    fits[order] = fits_sorted
    out[sel] = fits
    return out
