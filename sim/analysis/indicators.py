"""Scalar planning metrics of one run: what sensitivity analysis and sweep manifests report."""

from __future__ import annotations

import numpy as np
import xarray as xr

FULL_SHARE = 0.99
"""A camp counts as full at 99 % of capacity: the last places rarely fit a whole household."""

CHECKPOINTS = ((3, "72 hours"), (14, "2 weeks"), (30, "1 month"), (90, "3 months"))
"""Planning checkpoints (days since the start, label). "By day d" is the end of day d-1
(index d-1)."""

QUANTILES = (10, 50, 90)
"""Percentiles shown for an ensemble: the median and the P10-P90 band."""

METRICS = {
    "displaced_day30": "people displaced (each once) by day 30",
    "displaced_day90": "people displaced (each once) by day 90",
    "peak_daily_displaced": "largest number of people newly displaced in one day",
    "peak_waiting_at_border": "largest number of people waiting at the border on one day",
    "days_until_largest_camp_full": "days until the largest camp cluster is full "
                                    "(run length + 1 if it never fills: censored)",
}


def run_metrics(ds: xr.Dataset) -> dict[str, float]:
    cum = np.asarray(ds["cumulative_displaced"].values, dtype=float)
    days = len(cum)

    def by_day(d: int) -> float:
        return float(cum[min(d, days) - 1])

    kind = ds["kind"].values
    cap = np.where(kind == "camp", ds["camp_capacity"].values, 0.0)
    largest = int(np.argmax(cap))
    occ = ds["camp_occupancy"].isel(location=largest).values
    full = np.flatnonzero(occ >= FULL_SHARE * cap[largest]) if cap[largest] > 0 else []
    return {
        "displaced_day30": by_day(30),
        "displaced_day90": by_day(90),
        "peak_daily_displaced": float(np.diff(cum, prepend=0.0).max()),
        "peak_waiting_at_border": float(ds["waiting_at_border"].sum("location").max()),
        "days_until_largest_camp_full": float(full[0] + 1) if len(full) else float(days + 1),
    }


def band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median, P10 and P90 over the run axis (axis 0); one run gives the value three times."""
    v = np.asarray(values, dtype=float)
    med = np.median(v, axis=0)
    lo, hi = np.percentile(v, [QUANTILES[0], QUANTILES[2]], axis=0)
    return med, lo, hi


def day_band(days: np.ndarray) -> tuple[float, float, float]:
    """Median, P10, P90 of a day index that may be ``inf`` ("never").

    Empirical quantiles (``inverted_cdf``): each is a day some run really had, and ``inf``
    propagates instead of turning into NaN as interpolation would.
    """
    d = np.asarray(days, dtype=float)
    out = np.percentile(d, list(QUANTILES), method="inverted_cdf")
    return float(out[1]), float(out[0]), float(out[2])
