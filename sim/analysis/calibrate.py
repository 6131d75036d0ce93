"""Calibration: fit behavioural parameters to observed figures by approximate Bayesian
computation (ABC rejection) over a Latin-hypercube sweep.

Each point of the sweep is a parameter set; its members (seeds) are averaged; its distance to
the observations is the root-mean-square difference of log(1 + people) over the observed rows
the run covers (so a 30,000-person and a 600,000-person figure weigh alike). The best
``accept`` share of points is the approximate posterior: its mean, standard deviation and
P10-P90 are the fitted values with their uncertainty. The runs go through the sweep machinery
(parallel, resumable, Dask-capable); at ``scale`` < 1 they use fewer people (capacities scale
with the population; road capacity is scaled here too) and simulated counts are divided by the
scale before comparison.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sim.errors import InputError
from sim.io.atomic import atomic_path, write_text
from sim.io.observed import ObservedRow

MEASURED = ("new_displaced", "departures", "arrivals", "in_camp_by_origin",
            "new_idps_present_by_cohort")
"""The variables the observed measures are computed from (sim.analysis.validate)."""


@dataclass(frozen=True)
class Posterior:
    parameters: list[str]
    points: pd.DataFrame         # every point: parameter values, distance, accepted
    summary: pd.DataFrame        # per parameter: prior range, posterior mean, sd, P10, P50, P90, best


def simulated_rows(n_points: int, members: int, folder: Path, rows: list[ObservedRow], geo,
                   scale: float) -> np.ndarray:
    """Each run's measure of each observed row, at full scale: [point, member, row] (NaN where
    the run is missing or the row's window is not in the run).

    The runs are read from ``folder/runs/p<point>-m<member>.nc``.
    """
    from sim.analysis.validate import simulate

    sims = np.full((n_points, members, len(rows)), np.nan)
    for p in range(n_points):
        for m in range(members):
            path = folder / "runs" / f"p{p:04d}-m{m:03d}.nc"
            if not path.is_file():
                continue
            with xr.open_dataset(path) as ds:
                ds = ds[[v for v in MEASURED if v in ds.variables]].load()
            for j, row in enumerate(rows):
                value = simulate(ds, row, geo)
                if value is not None:
                    sims[p, m, j] = float(value[0]) / scale
    return sims


def log_distance(sims: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distance per point, member-mean per point and row, covered rows): the RMS difference
    of log(1 + people) between the members' mean and the observations over the covered rows."""
    with warnings.catch_warnings():   # rows outside the runs are all-NaN: that is expected
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(sims, axis=1)
        covered = np.isfinite(mean).any(axis=0)
        if not covered.any():
            raise InputError("no observed window lies inside the calibration runs; check the "
                             "scenario's start_date and days against the observed CSV")
        logdiff = np.log1p(mean[:, covered]) - np.log1p(observed[covered])
        dist = np.sqrt(np.nanmean(logdiff ** 2, axis=1))
    return dist, mean, covered


def distances(points: list[dict], members: int, folder: Path, rows: list[ObservedRow], geo,
              scale: float) -> pd.DataFrame:
    """Mean simulated measure per point and row, and each point's distance to the observations.

    ``points`` are the sweep's parameter sets and ``members`` its seeds per point.
    """
    sims = simulated_rows(len(points), members, folder, rows, geo, scale)
    dist, mean, covered = log_distance(sims, np.array([r.value for r in rows]))
    df = pd.DataFrame(list(points))
    df["distance"] = dist
    for j, row in enumerate(rows):
        if covered[j]:
            df[f"sim_line{row.line}"] = mean[:, j]
    return df


def posterior(points: pd.DataFrame, names: list[str], accept: float,
              ranges: dict[str, tuple[float, float]]) -> Posterior:
    ok = points[np.isfinite(points["distance"])]
    if len(ok) < 3:
        raise InputError(f"only {len(ok)} calibration points finished; re-run to finish the sweep")
    k = max(3, int(np.ceil(accept * len(ok))))
    cut = np.sort(ok["distance"].values)[k - 1]
    points = points.assign(accepted=points["distance"] <= cut)
    acc = points[points["accepted"]]
    best = points.loc[points["distance"].idxmin()]
    recs = []
    for n in names:
        v = acc[n].astype(float).values
        recs.append({"parameter": n, "prior_low": ranges[n][0], "prior_high": ranges[n][1],
                     "posterior_mean": v.mean(), "posterior_sd": v.std(ddof=1),
                     "p10": np.percentile(v, 10), "p50": np.percentile(v, 50),
                     "p90": np.percentile(v, 90), "best": float(best[n]),
                     "accepted": len(acc), "of": len(ok), "best_distance": float(best["distance"])})
    return Posterior(names, points, pd.DataFrame.from_records(recs))


def write_outputs(post: Posterior, folder: Path) -> list[Path]:
    out = []
    for name, df in (("posterior.csv", post.summary), ("points.csv", post.points)):
        with atomic_path(folder / name) as tmp:
            df.to_csv(tmp, index=False)
        out.append(folder / name)
    out.append(write_text(folder / "posterior.json",
                          json.dumps(post.summary.to_dict(orient="records"), indent=1)))
    return out
