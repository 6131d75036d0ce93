"""Which assumptions drive the planning numbers: Morris and Sobol indices over a finished sweep.

Each run's planning metrics (:mod:`sim.analysis.indicators`) are averaged over its members (the same
seeds at every point: common random numbers), then analysed with SALib: Morris elementary
effects (mu*, sigma) for a ``morris`` design, first-order and total Sobol indices (S1, ST) for
a ``sobol`` design, and Spearman rank correlations for grid, random and Latin designs.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats

from sim.analysis.indicators import METRICS
from sim.errors import InputError
from sim.io.atomic import atomic_path


@dataclass(frozen=True)
class Indices:
    """Sensitivity of one metric to each parameter."""

    metric: str
    method: str
    parameters: list[str]
    values: dict[str, np.ndarray]      # e.g. {"mu_star": [...], "sigma": [...]} per parameter
    main: str                          # the index used for ranking (mu_star, ST or abs_rho)


def analyse(method: str, problem: dict, design: np.ndarray, y: np.ndarray,
            levels: int = 4, seed: int = 0, metric: str = "y") -> Indices:
    """Sensitivity indices of ``y`` (one value per design row) by the design's own method."""
    names = list(problem["names"])
    y = np.asarray(y, dtype=float)
    if method == "morris":
        from SALib.analyze import morris

        r = morris.analyze(problem, np.asarray(design, float), y, num_levels=levels, seed=seed)
        vals = {k: np.asarray(r[k], float) for k in ("mu_star", "mu_star_conf", "sigma", "mu")}
        return Indices(metric, method, names, vals, "mu_star")
    if method == "sobol":
        from SALib.analyze import sobol

        r = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
        vals = {k: np.asarray(r[k], float) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        return Indices(metric, method, names, vals, "ST")
    rho = np.array([stats.spearmanr(design[:, j], y).statistic if np.ptp(design[:, j]) > 0
                    and np.ptp(y) > 0 else 0.0 for j in range(len(names))])
    rho = np.nan_to_num(rho)
    return Indices(metric, "spearman", names, {"rho": rho, "abs_rho": np.abs(rho)}, "abs_rho")


def sweep_sensitivity(folder: str | Path) -> list[Indices]:
    """Indices for every planning metric of a finished sweep folder."""
    folder = Path(folder)
    plan_path = folder / "sweep.json"
    if not plan_path.is_file():
        raise InputError("not a sweep results folder (no sweep.json); give results/<sweep>/",
                         where=str(folder))
    plan = json.loads(plan_path.read_text())
    if not plan["parameters"]:
        raise InputError("this sweep varies no parameter (an ensemble); nothing to analyse",
                         where=str(folder))
    records = _ok_records(folder / "manifest.jsonl")
    n_points = len(plan["points"])
    members = len(plan["seeds"])
    per_point: dict[int, list[dict]] = {}
    for rec in records.values():
        per_point.setdefault(int(rec["point"]), []).append(rec["metrics"])
    missing = [p for p in range(n_points) if len(per_point.get(p, [])) < members]
    kind = plan["sampler"]["kind"]
    if missing and kind in ("morris", "sobol"):
        raise InputError(f"sweep incomplete: {n_points - len(missing)} of {n_points} points have "
                         f"all {members} members; re-run the sweep command to finish it",
                         where=str(folder))
    points = [p for p in range(n_points) if p in per_point]
    design = np.asarray(plan["design"], float)[points]
    out = []
    for metric in METRICS:
        y = np.array([np.mean([m[metric] for m in per_point[p]]) for p in points])
        out.append(analyse(kind if kind in ("morris", "sobol") else "spearman", plan["problem"],
                           design, y, levels=plan["sampler"]["levels"], seed=plan["root_seed"],
                           metric=metric))
    return out


def _ok_records(path: Path) -> dict[str, dict]:
    if not path.is_file():
        raise InputError("no manifest.jsonl: the sweep has not run yet", where=str(path.parent))
    recs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            r = json.loads(line)
        except json.JSONDecodeError:
            continue
        recs[r["run_id"]] = r
    return {k: r for k, r in recs.items() if r.get("status") == "ok"}


def write_indices_csv(indices: list[Indices], path: Path) -> Path:
    """One row per (metric, parameter) with every index computed; written atomically."""
    with atomic_path(path) as tmp, open(tmp, "w", newline="") as f:
        keys = sorted({k for ix in indices for k in ix.values})
        w = csv.writer(f)
        w.writerow(["metric", "method", "parameter", *keys])
        for ix in indices:
            for j, name in enumerate(ix.parameters):
                w.writerow([ix.metric, ix.method, name,
                            *[f"{ix.values[k][j]:.6g}" if k in ix.values else "" for k in keys]])
    return path
