"""Ensembles and sweeps: many runs on all local cores or on a Dask cluster, resumable.

The folder layout is :mod:`sim.io.sweep_folder`; the backends :mod:`sim.ensemble.backends`.
Re-running the same command skips finished runs, so a sweep killed at any moment (Ctrl-C,
kill -9, a crashed worker) loses no finished run and duplicates none.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from contextlib import closing, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import xarray as xr

from sim.analysis.indicators import run_metrics
from sim.config.sweep import SweepPlan, SweepSpec
from sim.ensemble.backends import RunTask, execute, tasks_for
from sim.ensemble.plan import plan_from_spec
from sim.ensemble.posterior import DEFAULT
from sim.ensemble.quantiles import ensemble_quantiles
from sim.errors import InputError
from sim.io.atomic import write_bytes
from sim.io.sweep_folder import Combiner, Manifest, claim_folder, opened_in_blocks


@dataclass
class SweepResult:
    folder: Path
    total: int
    finished: int = 0
    skipped: int = 0
    failed: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    post_seconds: float = 0.0
    """Of ``seconds``, the combine and the statistics after the runs."""
    combined: Path | None = None
    stats: Path | None = None


# --------------------------------------------------------------------------- the sweep


def run_sweep(plan: SweepPlan, out_dir: str | Path = "results", *, workers: int | None = None,
              scheduler: str | None = None, dask_local: bool = False, folder: Path | None = None,
              on_progress: Callable[[int, int, int], None] | None = None,
              combine_runs: bool = True) -> SweepResult:
    """Run every (point, member) not already finished, combining what has finished as it
    lands (unless ``combine_runs`` is False: a calibration round reads the run files only),
    then, for an ensemble, the statistics."""
    t0 = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    folder = folder or Path(out_dir) / plan.spec.name
    runs_dir = folder / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    claim_folder(folder, plan)
    for stale in [*runs_dir.glob(".*.part"), *folder.glob(".combined.nc.*.part")]:
        stale.unlink(missing_ok=True)
    manifest = Manifest(folder / "manifest.jsonl")
    tasks = tasks_for(plan)
    finished = {p.stem for p in runs_dir.glob("*.nc")}
    _reconcile(manifest, finished, runs_dir, {t.run_id: t for t in tasks})
    todo = [t for t in tasks if t.run_id not in finished]
    result = SweepResult(folder=folder, total=len(tasks), skipped=len(tasks) - len(todo))
    if on_progress:
        on_progress(result.skipped, 0, result.total)
    # The combined file grows while the runs run: each run is appended, in run order, once
    # its outcome and those of the runs before it are known (sim/io/sweep_folder.py: Combiner).
    combiner = Combiner(folder, plan) if combine_runs else None
    with combiner or nullcontext():
        if combiner is not None:                     # runs finished before: combined first
            for t in tasks:
                if t.run_id in finished:
                    combiner.settle(t.run_id, True)
        if todo:
            # closing() stops the backend (workers terminated, cluster closed) the moment
            # anything is raised here, e.g. KeyboardInterrupt while a finished run is written.
            with closing(execute(todo, workers=workers, scheduler=scheduler,
                                 dask_local=dask_local)) as outcomes:
                for task, outcome in outcomes:
                    _record(task, outcome, runs_dir, manifest, result)
                    if on_progress:
                        on_progress(result.skipped + result.finished, len(result.failed),
                                    result.total)
                    if combiner is not None:
                        combiner.settle(task.run_id, not isinstance(outcome, BaseException))
        t_post = time.perf_counter()
    result.combined = combiner.path if combiner is not None else None
    if result.combined is not None and len(plan.points) == 1:
        # Block by stored chunk (one run, a few days): the quantiles take every run's block at
        # once, so the members are never in memory whole, and the quantiles go to scratch
        # files until written (removed after, whatever happens).
        with opened_in_blocks(result.combined) as combined, \
                tempfile.TemporaryDirectory(prefix=".stats-", dir=folder) as scratch:
            from sim.io.dataset import write_atomic  # the run's writer: CF encoding, renamed into place

            result.stats = write_atomic(ensemble_quantiles(combined, scratch=Path(scratch)),
                                        folder / "stats.nc")
    result.post_seconds = time.perf_counter() - t_post
    result.seconds = time.perf_counter() - t0
    return result


def _record(task: RunTask, outcome, runs_dir: Path, manifest: Manifest,
            result: SweepResult) -> None:
    """Write a finished run's file (atomically), then its manifest record; or record a failure."""
    if isinstance(outcome, BaseException):
        rec = {"run_id": task.run_id, "point": task.point, "member": task.member,
               "seed": task.seed, "params": task.params, "status": "failed",
               "error": " ".join(f"{type(outcome).__name__}: {outcome}".split())}
        result.failed.append(rec)
    else:
        blob, rec = outcome
        write_bytes(runs_dir / f"{task.run_id}.nc", blob)
        result.finished += 1
    rec["finished_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    manifest.append(rec)


def _reconcile(manifest: Manifest, finished: set[str], runs_dir: Path,
               tasks: dict[str, RunTask]) -> None:
    """A run whose file landed but whose record did not (killed in between) gets one."""
    have = {k for k, r in manifest.records().items() if r.get("status") == "ok"}
    for run_id in sorted(finished - have):
        t = tasks.get(run_id)
        if t is None:
            continue
        with xr.open_dataset(runs_dir / f"{run_id}.nc") as ds:
            metrics = run_metrics(ds.load())
        manifest.append({"run_id": run_id, "point": t.point, "member": t.member, "seed": t.seed,
                         "params": t.params, "status": "ok", "metrics": metrics,
                         "recovered": True})


# --------------------------------------------------------------------------- ensembles


def ensemble_plan(scenario: str | Path, members: int, root_seed: int | None = None, *,
                  overrides: dict | None = None, posterior=DEFAULT) -> SweepPlan:
    """An ensemble is a sweep with one point: the scenario as it is (or with ``overrides``, by
    dotted path, validated as a sweep's ``set:``), ``members`` seeds. It is posterior
    predictive by default: each member draws its parameters from the posterior
    (:mod:`sim.ensemble.posterior`); ``posterior=None`` keeps them fixed."""
    from sim.world.scenarios import load_scenario

    if members < 1:
        raise InputError(f"members must be >= 1 (got {members})", field="--members")
    sc = load_scenario(scenario)
    spec = SweepSpec(name=sc.name, base=str(Path(scenario).resolve()), members=members,
                     seed=sc.seed if root_seed is None else root_seed, set=overrides or {})
    return plan_from_spec(spec, Path(scenario).parent, str(scenario), posterior=posterior)


def run_ensemble(scenario: str | Path, members: int, *, workers: int | None = None,
                 out_dir: str | Path = "results", root_seed: int | None = None,
                 scheduler: str | None = None, dask_local: bool = False,
                 on_progress: Callable[[int, int, int], None] | None = None,
                 posterior=DEFAULT) -> xr.Dataset:
    """Run (or reuse) ``members`` seeds of a scenario; return the combined dataset.

    Files go to ``<out_dir>/<scenario name>/ensemble-<first 8 hex digits of the scenario's
    SHA-256>/`` (fixed parameters) or ``.../ensemble-<sha>-<posterior>-<its sha>/``
    (posterior predictive; ``-pace`` appended where members draw their axis speeds): members already there are reused, so asking for 32 after 20 runs
    only the 12 new ones, and an edited scenario or posterior gets a folder of its own.
    """
    plan = ensemble_plan(scenario, members, root_seed, posterior=posterior)
    folder = ensemble_folder(out_dir, plan)
    result = run_sweep(plan, workers=workers, scheduler=scheduler, dask_local=dask_local,
                       folder=folder, on_progress=on_progress)
    if result.combined is None:
        raise InputError("no ensemble member finished; see the manifest for the errors",
                         where=str(folder / "manifest.jsonl"))
    ds = xr.open_dataset(result.combined)
    wanted = set(range(members))
    return ds.isel(run=np.flatnonzero(np.isin(ds["member"].values, list(wanted))))


def ensemble_folder(out_dir: str | Path, plan: SweepPlan) -> Path:
    name = f"ensemble-{plan.base_sha256[:8]}"
    if plan.posterior:
        name += f"-{plan.posterior['name']}-{plan.posterior['sha256'][:8]}"
    if plan.pace:
        name += "-pace"
    return Path(out_dir) / plan.spec.name / name

