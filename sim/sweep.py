"""Ensembles and sweeps: many runs on all local cores or on a Dask cluster, resumable.

Layout of a sweep folder ``results/<sweep>/``::

    sweep.json        the plan: points, parameters, seeds, design (written once)
    runs/<id>.nc      one NetCDF per finished run (written under a temporary name, renamed)
    manifest.jsonl    one line per finished or failed run: parameters, seed, metrics, timing
    combined.nc       all finished runs along a ``run`` dimension, with parameter coordinates
    stats.nc          P10/P50/P90 of every series over the members (single-point sweeps)

A run's file exists under its final name only when it is complete, so re-running the same
command skips finished runs, and a sweep killed at any moment (Ctrl-C, kill -9, a crashed
worker) loses no finished run and duplicates none. Workers return the NetCDF bytes and the
parent writes them, so a Dask cluster needs no shared file system.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import xarray as xr

from sim.atomic import atomic_path, write_bytes
from sim.errors import InputError
from sim.sweep_spec import SweepPlan, SweepSpec, dump_plan, plan_from_spec

MAX_ATTEMPTS = 3
QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class RunTask:
    run_id: str
    point: int
    member: int
    seed: int
    scenario: dict
    scenario_sha256: str
    params: dict


@dataclass
class SweepResult:
    folder: Path
    total: int
    finished: int = 0
    skipped: int = 0
    failed: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    combined: Path | None = None
    stats: Path | None = None


# --------------------------------------------------------------------------- one run


@lru_cache(maxsize=4)
def _geography(region: str):
    from sim.geography import load_geography

    return load_geography(region)


def execute_run(task: RunTask) -> tuple[bytes, dict]:
    """Run one member of one point; return the NetCDF bytes and a manifest record."""
    from sim.metrics import run_metrics
    from sim.output import to_dataset, write_atomic
    from sim.runner import run_model
    from sim.scenario import Scenario

    t0 = time.perf_counter()
    sc = Scenario.model_validate(task.scenario).model_copy(
        update={"source_sha256": task.scenario_sha256})
    ds = to_dataset(run_model(sc, seed=task.seed, geography=_geography(sc.region)))
    ds.attrs.update(run_id=task.run_id, sweep_point=task.point, sweep_member=task.member,
                    sweep_params=json.dumps(task.params, default=str))
    metrics = run_metrics(ds)
    with tempfile.TemporaryDirectory(prefix="idlib-run-") as tmp:
        path = write_atomic(ds, Path(tmp) / f"{task.run_id}.nc")
        blob = path.read_bytes()
    record = {"run_id": task.run_id, "point": task.point, "member": task.member,
              "seed": task.seed, "params": task.params, "status": "ok", "metrics": metrics,
              "seconds": round(time.perf_counter() - t0, 3)}
    return blob, record


def tasks_for(plan: SweepPlan) -> list[RunTask]:
    out = []
    for p in range(len(plan.points)):
        data = plan.scenario_data(p)
        for m, seed in enumerate(plan.seeds):
            out.append(RunTask(run_id=f"p{p:04d}-m{m:03d}", point=p, member=m, seed=seed,
                               scenario=data, scenario_sha256=plan.base_sha256,
                               params=plan.points[p]))
    return out


# --------------------------------------------------------------------------- backends


def _local(tasks: list[RunTask], workers: int) -> Iterator[tuple[RunTask, object]]:
    """Yield (task, (bytes, record) or exception) from a process pool; survive worker crashes."""
    attempts = {t.run_id: 0 for t in tasks}
    pending = list(tasks)
    while pending:
        ctx = get_context("forkserver")
        broken = False
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = {pool.submit(execute_run, t): t for t in pending}
            done_ids = set()
            try:
                for fut in as_completed(futures):
                    task = futures[fut]
                    exc = fut.exception()
                    if isinstance(exc, BrokenProcessPool):
                        broken = True
                        continue
                    done_ids.add(task.run_id)
                    yield task, (exc if exc is not None else fut.result())
            except BrokenProcessPool:
                broken = True
        pending = [t for t in pending if t.run_id not in done_ids]
        if not broken:
            break
        for t in list(pending):       # a worker died: retry what was in flight, a few times
            attempts[t.run_id] += 1
            if attempts[t.run_id] >= MAX_ATTEMPTS:
                pending.remove(t)
                yield t, RuntimeError("worker process crashed (tried 3 times)")


def _dask(tasks: list[RunTask], scheduler: str | None, workers: int) -> Iterator[tuple[RunTask, object]]:
    from dask.distributed import Client, LocalCluster, as_completed as dask_completed

    import dask

    cluster = None
    if scheduler is None:
        # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers to return memory to
        # the OS; the model allocates and frees large arrays every day, and with that setting a
        # run takes twice as long (measured: 23 s instead of 10.5 s). glibc's default is used.
        # The workers' statistical profiler (a stack sample every 10 ms) is switched off too.
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                              "distributed.worker.profile.enabled": False}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, host="127.0.0.1")
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="10s")
        except OSError as exc:
            raise InputError(f"cannot reach the Dask scheduler {scheduler!r} ({exc}); start it "
                             "or check the address", field="--scheduler") from None
    try:
        futures = {client.submit(execute_run, t, retries=MAX_ATTEMPTS - 1, pure=False,
                                 key=f"idlib-{t.run_id}-{os.getpid()}-{time.time_ns()}"): t
                   for t in tasks}
        for fut in dask_completed(futures):
            task = futures[fut]
            if fut.status == "error":
                yield task, fut.exception()
            else:
                yield task, fut.result()
            fut.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- the sweep


def run_sweep(plan: SweepPlan, out_dir: str | Path = "results", *, workers: int | None = None,
              scheduler: str | None = None, dask_local: bool = False, folder: Path | None = None,
              on_progress: Callable[[int, int, int], None] | None = None) -> SweepResult:
    """Run every (point, member) not already finished, then combine what has finished."""
    t0 = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    folder = folder or Path(out_dir) / plan.spec.name
    runs_dir = folder / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    _claim_folder(folder, plan)
    for stale in runs_dir.glob(".*.part"):
        stale.unlink(missing_ok=True)
    manifest = Manifest(folder / "manifest.jsonl")
    tasks = tasks_for(plan)
    finished = {p.stem for p in runs_dir.glob("*.nc")}
    manifest.reconcile(finished, runs_dir, {t.run_id: t for t in tasks})
    todo = [t for t in tasks if t.run_id not in finished]
    result = SweepResult(folder=folder, total=len(tasks), skipped=len(tasks) - len(todo))
    if on_progress:
        on_progress(result.skipped, 0, result.total)
    if todo:
        if scheduler or dask_local:
            stream = _dask(todo, scheduler, workers)
        elif workers == 1:
            stream = _serial(todo)
        else:
            stream = _local(todo, workers)
        for task, outcome in stream:
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
            if on_progress:
                on_progress(result.skipped + result.finished, len(result.failed), result.total)
    result.combined, result.stats = combine(folder, plan)
    result.seconds = time.perf_counter() - t0
    return result


def _serial(tasks: Iterable[RunTask]) -> Iterator[tuple[RunTask, object]]:
    for t in tasks:
        try:
            yield t, execute_run(t)
        except Exception as exc:  # noqa: BLE001 - reported in the manifest, the sweep goes on
            yield t, exc


def _claim_folder(folder: Path, plan: SweepPlan) -> None:
    """A results folder holds one sweep; refuse to mix two different ones."""
    marker = folder / "sweep.json"
    if marker.exists():
        old = json.loads(marker.read_text())
        if old.get("fingerprint") != plan.fingerprint():
            raise InputError(f"{folder} holds results of a different sweep (its file or base "
                             "scenario changed); remove the folder or use --out elsewhere",
                             field="--out")
        if len(old.get("seeds", [])) >= len(plan.seeds):
            return
    write_bytes(marker, dump_plan(plan).encode())


class Manifest:
    """Append-only JSON lines; the last record of a run wins when read back."""

    def __init__(self, path: Path):
        self.path = path

    def append(self, record: dict) -> None:
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(record, default=str) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def records(self) -> dict[str, dict]:
        out: dict[str, dict] = {}
        if not self.path.exists():
            return out
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue                     # a line cut short by a kill
            out[rec["run_id"]] = rec
        return out

    def reconcile(self, finished: set[str], runs_dir: Path, tasks: dict[str, RunTask]) -> None:
        """A run whose file landed but whose record did not (killed in between) gets one."""
        from sim.metrics import run_metrics

        have = {k for k, r in self.records().items() if r.get("status") == "ok"}
        for run_id in sorted(finished - have):
            t = tasks.get(run_id)
            if t is None:
                continue
            with xr.open_dataset(runs_dir / f"{run_id}.nc") as ds:
                metrics = run_metrics(ds.load())
            self.append({"run_id": run_id, "point": t.point, "member": t.member, "seed": t.seed,
                         "params": t.params, "status": "ok", "metrics": metrics,
                         "recovered": True})


# --------------------------------------------------------------------------- combining


def combine(folder: Path, plan: SweepPlan) -> tuple[Path | None, Path | None]:
    """All finished runs as one dataset along ``run``, written one run at a time.

    The first run, given a ``run`` dimension (unlimited) and the per-run coordinates, becomes
    the file; every other run is appended in place with netCDF4. Memory holds one run at a
    time whatever the size of the sweep.
    """
    import netCDF4

    order = {t.run_id: t for t in tasks_for(plan)}
    paths = sorted((p for p in (folder / "runs").glob("*.nc") if p.stem in order),
                   key=lambda p: p.stem)
    if not paths:
        return None, None
    tasks = [order[p.stem] for p in paths]
    per_run = _run_coordinates(plan, tasks)
    sizes = []
    for p in paths:   # per-run attributes that differ between runs become coordinates
        with xr.open_dataset(p) as one:
            sizes.append((int(one.attrs.get("households", 0)), int(one.attrs.get("initial_people", 0))))
    per_run["households"] = (np.array([h for h, _ in sizes], dtype=np.int64),
                             {"long_name": "household agents in the run"})
    per_run["initial_people"] = (np.array([n for _, n in sizes], dtype=np.int64),
                                 {"units": "people", "long_name": "people in the run"})
    with atomic_path(folder / "combined.nc") as tmp:
        first = xr.load_dataset(paths[0])
        template = first.expand_dims(run=[0]).assign_coords(
            {name: ("run", values[:1], attrs) for name, (values, attrs) in per_run.items()})
        template.attrs = _common_attrs(first.attrs, plan, len(tasks))
        template.to_netcdf(tmp, engine="netcdf4", unlimited_dims=["run"])
        run_vars = [v for v in template.variables if "run" in template[v].dims and v != "run"]
        with netCDF4.Dataset(tmp, "a") as nc:
            nc.set_auto_mask(False)
            for i, path in enumerate(paths[1:], start=1):
                one = xr.load_dataset(path)
                nc.variables["run"][i] = i
                for v in run_vars:
                    if v in per_run:
                        nc.variables[v][i] = per_run[v][0][i]
                    else:
                        nc.variables[v][i, ...] = _encoded(one[v].values, nc.variables[v])
    combined = folder / "combined.nc"
    stats = None
    if len(plan.points) == 1:
        with xr.open_dataset(combined) as ds:
            stats = _to_netcdf_atomic(ensemble_quantiles(ds.load()), folder / "stats.nc")
    return combined, stats


def _encoded(values: np.ndarray, var) -> np.ndarray:
    """Values as stored: NaN becomes the variable's fill value for non-float types."""
    if values.dtype.kind == "f" and var.dtype.kind != "f":
        fill = getattr(var, "_FillValue", 0)
        return np.where(np.isnan(values), fill, values).astype(var.dtype)
    return values


def _run_coordinates(plan: SweepPlan, tasks: list[RunTask]) -> dict[str, tuple[np.ndarray, dict]]:
    coords: dict[str, tuple[np.ndarray, dict]] = {
        "run_id": (np.array([t.run_id for t in tasks], dtype=object), {}),
        "seed": (np.array([t.seed for t in tasks], dtype=np.int64), {"long_name": "random seed"}),
        "point": (np.array([t.point for t in tasks], dtype=np.int64), {}),
        "member": (np.array([t.member for t in tasks], dtype=np.int64), {}),
    }
    for name in plan.parameter_names:
        values = [t.params.get(name) for t in tasks]
        arr = np.array(values, dtype=float) if all(isinstance(v, (int, float)) for v in values) \
            else np.array([json.dumps(v, default=str) if not isinstance(v, str) else v
                           for v in values], dtype=object)
        coords[f"param_{name.replace('.', '__')}"] = (arr, {"sweep_parameter": name})
    return coords


def _common_attrs(attrs: dict, plan: SweepPlan, n_runs: int) -> dict:
    varying = {"seed", "households", "initial_people", "run_id", "sweep_point", "sweep_member",
               "sweep_params", "date_created", "history", "scenario_json", "scenario_sha256"}
    out = {k: v for k, v in attrs.items() if k not in varying}
    out.update(sweep_name=plan.spec.name, sweep_fingerprint=plan.fingerprint(),
               sweep_members=len(plan.seeds), sweep_points=len(plan.points),
               sweep_runs_finished=n_runs, sweep_runs_planned=plan.n_runs)
    if len(plan.points) == 1:   # an ensemble: one scenario for every run
        out["scenario_json"] = attrs.get("scenario_json", "")
        out["scenario_sha256"] = attrs.get("scenario_sha256", "")
    return out


def ensemble_quantiles(ds: xr.Dataset, q: tuple[float, ...] = QUANTILES) -> xr.Dataset:
    """P10/P50/P90 (by default) of every numeric series over the ``run`` dimension."""
    numeric = [v for v in ds.data_vars if "run" in ds[v].dims and ds[v].dtype.kind in "fiu"]
    out = ds[numeric].chunk({"run": -1}).quantile(list(q), dim="run", skipna=False)
    for v in numeric:
        out[v].attrs = dict(ds[v].attrs)
    out.attrs = dict(ds.attrs)
    out.encoding = {}
    out.attrs["statistic"] = "quantiles over ensemble members (dimension 'quantile')"
    return out


def _to_netcdf_atomic(ds: xr.Dataset, path: Path) -> Path:
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4")
    return path


# --------------------------------------------------------------------------- ensembles


def ensemble_plan(scenario: str | Path, members: int, root_seed: int | None = None) -> SweepPlan:
    """An ensemble is a sweep with one point: the scenario as it is, ``members`` seeds."""
    from sim.scenario import load_scenario

    if members < 1:
        raise InputError(f"members must be >= 1 (got {members})", field="--members")
    sc = load_scenario(scenario)
    spec = SweepSpec(name=sc.name, base=str(Path(scenario).resolve()), members=members,
                     seed=sc.seed if root_seed is None else root_seed)
    return plan_from_spec(spec, Path(scenario).parent, str(scenario))


def run_ensemble(scenario: str | Path, members: int, *, workers: int | None = None,
                 out_dir: str | Path = "results", root_seed: int | None = None,
                 scheduler: str | None = None, dask_local: bool = False,
                 on_progress: Callable[[int, int, int], None] | None = None) -> xr.Dataset:
    """Run (or reuse) ``members`` seeds of a scenario; return the combined dataset.

    Files go to ``<out_dir>/<scenario name>/ensemble-<first 8 hex digits of the scenario's
    SHA-256>/``: members already there are reused, so asking for 32 after 20 runs only the 12
    new ones, and an edited scenario gets a folder of its own.
    """
    plan = ensemble_plan(scenario, members, root_seed)
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
    return Path(out_dir) / plan.spec.name / f"ensemble-{plan.base_sha256[:8]}"

