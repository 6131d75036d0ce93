"""FLEE's measure: the averaged relative difference (ARD) of people in camps.

On each day ``t``, over the camps ``c`` with observations (FLEE's ``plot_errors`` in
``flee/postprocessing/plot_flee_output.py``)::

    error(t)          = sum_c |sim_c(t) - obs_c(t)| / max(sum_c obs_c(t), 1)
    error_rescaled(t) = sum_c |sim_c(t) * S(t) - obs_c(t)| / max(sum_c obs_c(t), 1),
                        S(t) = sum_c obs_c(t) / sum_c sim_c(t)   (0 when nobody is simulated in camps)

and the ARD is the mean of ``error(t)`` over the days of the run (``rescaled``: of
``error_rescaled``). The rescaled variant asks only whether people are shared among the camps
as observed, whatever their total.

Simulated people at a camp are everyone there who is not passing through: day-0 residents and
the displaced (in the camp, or in the open beside it when it is full) - what FLEE counts as a
camp's agents.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from sim.errors import InputError
from sim.io.flee.validation import CampCounts, window


@dataclass(frozen=True, eq=False)
class CampComparison:
    """Simulated against observed people per camp and day, and FLEE's errors."""

    dates: pd.DatetimeIndex
    camps: tuple[str, ...]
    simulated: np.ndarray          # [day, camp] people
    observed: np.ndarray           # [day, camp] people
    error: np.ndarray              # [day] relative difference
    error_rescaled: np.ndarray     # [day] relative difference after rescaling

    @property
    def ard(self) -> float:
        return float(self.error.mean())

    @property
    def ard_rescaled(self) -> float:
        return float(self.error_rescaled.mean())

    def table(self) -> pd.DataFrame:
        """One row per day: each camp's simulated and observed people and the day's errors."""
        cols = {"date": self.dates.date}
        for j, c in enumerate(self.camps):
            cols[f"{c} sim"] = self.simulated[:, j]
            cols[f"{c} data"] = self.observed[:, j]
        cols.update({"observed in camps": self.observed.sum(axis=1),
                     "simulated in camps": self.simulated.sum(axis=1),
                     "error": self.error, "error rescaled": self.error_rescaled})
        return pd.DataFrame(cols)


def daily_errors(simulated: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """FLEE's relative difference per day, raw and rescaled; inputs are [day, camp]."""
    sim = np.asarray(simulated, dtype=float)
    obs = np.asarray(observed, dtype=float)
    obs_total = obs.sum(axis=1)
    sim_total = sim.sum(axis=1)
    denominator = np.maximum(obs_total, 1.0)
    scale = np.divide(obs_total, sim_total, out=np.zeros_like(sim_total), where=sim_total > 0)
    raw = np.abs(sim - obs).sum(axis=1) / denominator
    rescaled = np.abs(sim * scale[:, None] - obs).sum(axis=1) / denominator
    return raw, rescaled


def simulated_at(ds: xr.Dataset, camps: list[str] | tuple[str, ...]) -> np.ndarray:
    """People at each camp on each day [day, camp] (first run of an ensemble: give a run)."""
    names = list(ds["location"].values.astype(str))
    missing = [c for c in camps if c not in names]
    if missing:
        raise InputError(f"camp(s) {', '.join(missing[:3])} are not places of this run; compare "
                         "with observations of the run's own region")
    present = ds["residents_present"] + ds["displaced_present"]
    if "run" in present.dims:
        present = present.isel(run=0)
    return present.sel(location=list(camps)).transpose("time", "location").values


def compare_camps(ds: xr.Dataset, counts: CampCounts) -> CampComparison:
    """Compare a run with per-camp observations on the run's days; camps observed but not in
    the run's region are left out; on days beyond the observations the nearest count holds
    (FLEE's rule)."""
    names = set(ds["location"].values.astype(str))
    kinds = dict(zip(ds["location"].values.astype(str), ds["kind"].values.astype(str)))
    camps = tuple(c for c in counts.camps if c in names and kinds[c] == "camp")
    if not camps:
        raise InputError("none of the observed camps is a camp of the run's region; compare "
                         "the run with its own case's observations")
    dates = pd.DatetimeIndex(ds["time"].values)
    obs = window(counts, dates[0].date(), len(dates))
    observed = obs.people[:, [counts.camps.index(c) for c in camps]]
    simulated = simulated_at(ds, camps)
    raw, rescaled = daily_errors(simulated, observed)
    return CampComparison(dates, camps, simulated, observed, raw, rescaled)


def ard_line(comparison: CampComparison) -> str:
    """The last line ``idlib-sim flee-run`` prints."""
    return f"ARD {comparison.ard:.4f} rescaled {comparison.ard_rescaled:.4f}"
