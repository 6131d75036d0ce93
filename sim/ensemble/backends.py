"""Where the runs of a sweep execute: in this process, on a local process pool, or on Dask.

Every backend yields ``(task, (netcdf_bytes, record))`` or ``(task, exception)`` as runs
finish. Workers return the NetCDF bytes and the parent writes them, so a Dask cluster needs
no shared file system; the same seed gives the same bytes on any backend and worker count.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

from sim.config.sweep import SweepPlan
from sim.errors import InputError

MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class RunTask:
    run_id: str
    point: int
    member: int
    seed: int
    scenario: dict
    scenario_sha256: str
    params: dict


@lru_cache(maxsize=4)
def _geography(region: str):
    from sim.world.geography import load_geography

    return load_geography(region)


def execute_run(task: RunTask) -> tuple[bytes, dict]:
    """Run one member of one point; return the NetCDF bytes and a manifest record."""
    from sim.analysis.indicators import run_metrics
    from sim.config.scenario import Scenario
    from sim.engine.model import run_model
    from sim.io.dataset import to_dataset, write_atomic

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
        for m, seed in enumerate(plan.seeds):   # a posterior-predictive member: its own draw
            own = plan.scenario_data(p, m) if plan.member_params else data
            out.append(RunTask(run_id=plan.run_id(p, m), point=p, member=m, seed=seed,
                               scenario=own, scenario_sha256=plan.base_sha256,
                               params=plan.run_parameters(p, m)))
    return out


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
    import dask
    from dask.distributed import Client, LocalCluster
    from dask.distributed import as_completed as dask_completed

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


def _serial(tasks: Iterable[RunTask]) -> Iterator[tuple[RunTask, object]]:
    for t in tasks:
        try:
            yield t, execute_run(t)
        except Exception as exc:  # noqa: BLE001 - reported in the manifest, the sweep goes on
            yield t, exc


def execute(tasks: list[RunTask], *, workers: int, scheduler: str | None = None,
            dask_local: bool = False) -> Iterator[tuple[RunTask, object]]:
    """The backend for these options: a Dask scheduler or local cluster, one process, or a pool."""
    if scheduler or dask_local:
        return _dask(tasks, scheduler, workers)
    if workers == 1:
        return _serial(tasks)
    return _local(tasks, workers)
