"""Scalar planning metrics of one run: what sensitivity analysis and sweep manifests report."""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.summary import FULL_SHARE

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
