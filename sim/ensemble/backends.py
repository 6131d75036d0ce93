"""Where the runs of a sweep execute: in this process, on a local process pool, or on Dask.

Every backend yields ``(task, (netcdf_bytes, record))`` or ``(task, exception)`` as runs
finish. Workers return the NetCDF bytes and the parent writes them, so a Dask cluster needs
no shared file system; the same seed gives the same bytes on any backend and worker count.

Stopping: local workers never see SIGINT (they are forked by a server started with SIGINT
blocked, :func:`_forkserver`), so a Ctrl-C at a terminal - which the terminal sends to every
process of the foreground group - reaches the parent alone. Whatever the parent raises while
runs are in flight (KeyboardInterrupt, SystemExit, an error), the backend stops at once:
queued runs are cancelled, running workers terminated and joined, the Dask client and local
cluster closed with short timeouts. A run in flight is lost whole: its file was never
written, since the parent writes a run only when it has all of its bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
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
STOP_TIMEOUT_S = 3.0
"""How long stopping waits for terminated workers (or a closing Dask cluster) before killing."""


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


def execute_run(task: RunTask, scratch: str | None = None) -> tuple[bytes, dict]:
    """Run one member of one point; return the NetCDF bytes and a manifest record.

    The NetCDF is written in a temporary folder inside ``scratch`` (default: the system's),
    which the parent of a local pool owns and removes, so a worker terminated mid-write
    leaves nothing behind.
    """
    from sim.analysis.indicators import run_metrics
    from sim.config.scenario import Scenario
    from sim.engine.model import run_model
    from sim.io.dataset import to_dataset, write_atomic
    from sim.io.numpy_only import numpy_arrays_only

    t0 = time.perf_counter()
    sc = Scenario.model_validate(task.scenario).model_copy(
        update={"source_sha256": task.scenario_sha256})
    model = run_model(sc, seed=task.seed, geography=_geography(sc.region))
    with numpy_arrays_only():   # a pool worker need not import dask (a Dask worker has it already)
        ds = to_dataset(model)
        ds.attrs.update(run_id=task.run_id, sweep_point=task.point, sweep_member=task.member,
                        sweep_params=json.dumps(task.params, default=str))
        metrics = run_metrics(ds)
        with tempfile.TemporaryDirectory(prefix="idlib-run-", dir=scratch) as tmp:
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


def _forkserver():
    """The forkserver context, its server started (if it is not yet) with SIGINT blocked.

    Processes forked by the server inherit the blocked signal, so no worker raises
    KeyboardInterrupt mid-run and prints a traceback when a terminal's Ctrl-C reaches the
    whole process group; the parent stops them. The resource tracker is started first, as
    starting it unblocks SIGINT in the calling thread.
    """
    from multiprocessing import forkserver, resource_tracker

    resource_tracker.ensure_running()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    return get_context("forkserver")


def _ignore_sigint() -> None:
    """Pool initializer: ignore SIGINT also when the forkserver was started elsewhere."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop now: drop the queued runs, terminate the running ones and wait for the workers.

    ``ProcessPoolExecutor.shutdown`` alone waits for the runs in flight (minutes at full
    scale); Python 3.14 has ``terminate_workers`` for this, older versions only the pool's
    own table of worker processes.
    """
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT_S
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
        if p.is_alive():
            p.kill()
            p.join(1.0)


def _local(tasks: list[RunTask], workers: int) -> Iterator[tuple[RunTask, object]]:
    """Yield (task, (bytes, record) or exception) from a process pool; survive worker crashes."""
    attempts = {t.run_id: 0 for t in tasks}
    pending = list(tasks)
    scratch = tempfile.mkdtemp(prefix="idlib-sweep-")
    try:
        while pending:
            broken = False
            pool = ProcessPoolExecutor(max_workers=workers, mp_context=_forkserver(),
                                       initializer=_ignore_sigint)
            try:
                futures = {pool.submit(execute_run, t, scratch): t for t in pending}
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
            except BaseException:        # interrupted, or the consumer stopped: stop at once
                _stop_pool(pool)
                raise
            pool.shutdown(wait=True)
            pending = [t for t in pending if t.run_id not in done_ids]
            if not broken:
                break
            for t in list(pending):       # a worker died: retry what was in flight, a few times
                attempts[t.run_id] += 1
                if attempts[t.run_id] >= MAX_ATTEMPTS:
                    pending.remove(t)
                    yield t, RuntimeError("worker process crashed (tried 3 times)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _dask(tasks: list[RunTask], scheduler: str | None, workers: int) -> Iterator[tuple[RunTask, object]]:
    import dask
    from dask.distributed import Client, LocalCluster
    from dask.distributed import as_completed as dask_completed

    cluster = client = scratch = None
    try:
        if scheduler is None:
            # Dask's nanny sets MALLOC_TRIM_THRESHOLD_=65536 in its workers to return memory
            # to the OS; the model allocates and frees large arrays every day, and with that
            # setting a run takes twice as long (measured: 23 s instead of 10.5 s). glibc's
            # default is used. The workers' statistical profiler (a stack sample every 10 ms)
            # is switched off too, and the event loop's housekeeping (its 20 ms tick, the
            # memory and system monitors) runs every second: each wake-up takes the GIL from
            # the run in the worker's thread (16 full-scale members: +25 % over the pool with
            # Dask's defaults, +6 % with these). The workers are forked by the pool's
            # SIGINT-blocking server.
            _forkserver()
            with dask.config.set({
                    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                    "distributed.worker.profile.enabled": False,
                    "distributed.admin.tick.interval": "1s",
                    "distributed.admin.system-monitor.interval": "5s",
                    "distributed.worker.memory.monitor-interval": "1s",
                    "distributed.worker.multiprocessing-method": "forkserver"}):
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                       dashboard_address=None, host="127.0.0.1",
                                       # no dashboard; its HTTP server on a free port, so a
                                       # cluster already on 8787 brings no warning
                                       scheduler_kwargs={"dashboard_address": ":0"})
            client = Client(cluster)
            scratch = tempfile.mkdtemp(prefix="idlib-sweep-")
        else:
            try:
                client = Client(scheduler, timeout="10s")
            except OSError as exc:
                raise InputError(f"cannot reach the Dask scheduler {scheduler!r} ({exc}); "
                                 "start it or check the address", field="--scheduler") from None
        futures = {client.submit(execute_run, t, scratch, retries=MAX_ATTEMPTS - 1, pure=False,
                                 key=f"idlib-{t.run_id}-{os.getpid()}-{time.time_ns()}"): t
                   for t in tasks}
        for fut in dask_completed(futures):
            task = futures[fut]
            if fut.status == "error":
                yield task, fut.exception()
            else:
                yield task, fut.result()
            fut.release()
    except BaseException:     # interrupted: end the local workers before closing, so none
        _kill_workers(cluster)  # logs the runs it loses (a run in flight is lost whole)
        raise
    finally:
        _close_dask(client, cluster)
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _kill_workers(cluster) -> None:
    """Kill a local cluster's worker processes (their nannies are closed next)."""
    import contextlib

    for nanny in list(getattr(cluster, "workers", {}).values()):
        with contextlib.suppress(Exception):
            if nanny.pid:
                os.kill(nanny.pid, signal.SIGKILL)


def _close_dask(client, cluster) -> None:
    """Close the client and the local cluster within seconds, even mid-run; a cluster that
    does not close in time is left to the caller (the CLI kills what is left)."""
    import contextlib

    for closing in (client, cluster):
        if closing is None:
            continue
        with contextlib.suppress(Exception):
            closing.close(timeout=STOP_TIMEOUT_S)
    if cluster is not None:
        from distributed.core import Status

        if getattr(cluster, "status", Status.closed) != Status.closed:
            # Left half-closed (e.g. a worker still closing gracefully after Ctrl-C): distributed's
            # exit hook would close it again and print its failure as a traceback at exit.
            cluster.shutdown_on_close = False


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
