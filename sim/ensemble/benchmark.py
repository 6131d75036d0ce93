"""Benchmark: one full-scale ensemble timed on the local process pool, then on local Dask.

Returns the wall times as an :class:`EnsembleBenchmark` (``idlib-sim bench-ensemble`` prints
it): what Dask costs over the pool on one machine, and what a 64-member ensemble would take.
Every run is written and combined as in a real sweep, into temporary folders removed after.

Where the wall time goes, per back-end: the runs themselves (each run's own seconds inside its
worker, from the manifest, summed over the workers), the combine and statistics after them, and
the rest - starting and stopping the workers or cluster, handing out the runs and carrying
their files back, workers idle at the end. A machine whose speed wanders (a shared VM) is
measured in turns (``turns``: pool, Dask, pool, Dask, ...) and compared by medians.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sim.analysis.benchmark import DEFAULT_SCENARIO
from sim.config.sweep import SweepPlan
from sim.ensemble.posterior import DEFAULT
from sim.ensemble.sweep import ensemble_plan, run_sweep

BACKENDS = ("pool", "dask")


@dataclass(frozen=True)
class BackendTiming:
    """One back-end's wall time for the whole ensemble, combining included."""

    backend: str
    wall_s: float
    finished: int
    failed: int
    run_s: float = 0.0
    """The runs' own seconds inside the workers, summed (manifest ``seconds``)."""
    post_s: float = 0.0
    """The combine and the statistics after the runs."""
    workers: int = 1

    @property
    def runs_per_minute(self) -> float:
        return self.finished / self.wall_s * 60

    @property
    def mean_run_s(self) -> float:
        return self.run_s / max(self.finished, 1)

    @property
    def rest_s(self) -> float:
        """Wall time neither in a run (spread over the workers) nor in the post-processing:
        start-up and stop of the back-end, handing out runs, carrying files, idle workers."""
        return self.wall_s - self.post_s - self.run_s / self.workers


@dataclass(frozen=True)
class EnsembleBenchmark:
    members: int
    workers: int
    timings: tuple[BackendTiming, ...]

    def median_wall_s(self, backend: str) -> float | None:
        """The back-end's median wall time over the turns; None if not timed."""
        walls = [t.wall_s for t in self.timings if t.backend == backend]
        return statistics.median(walls) if walls else None

    @property
    def dask_overhead(self) -> float | None:
        """Dask's median wall time over the pool's, minus 1 (0.05 = 5 % slower); None if not
        timed."""
        pool, dask = self.median_wall_s("pool"), self.median_wall_s("dask")
        return None if pool is None or dask is None else dask / pool - 1

    def projected_minutes(self, members: int = 64) -> float | None:
        """Minutes ``members`` runs would take on the pool, from its median time per run."""
        pool = self.median_wall_s("pool")
        return None if pool is None else members * pool / self.members / 60


def benchmark_plan(scenario: str | Path | None = None, members: int = 16,
                   people: int | None = None, posterior=DEFAULT) -> SweepPlan:
    """The ensemble to time: ``members`` seeds of ``scenario``, ``people`` overriding its size
    (posterior predictive unless ``posterior`` is None, as every ensemble)."""
    overrides = {} if people is None else {"population.total_people": people}
    return ensemble_plan(scenario or DEFAULT_SCENARIO, members, overrides=overrides,
                         posterior=posterior)


def benchmark_ensemble(plan: SweepPlan, *, workers: int = 2, backends: Sequence[str] = BACKENDS,
                       turns: int = 1,
                       on_timing: Callable[[BackendTiming], None] | None = None) -> EnsembleBenchmark:
    """Run ``plan`` once per back-end (in the order given), ``turns`` times over; ``on_timing``
    hears of each as it ends."""
    timings = []
    for _ in range(turns):
        for backend in backends:
            timing = _time_backend(plan, backend, workers)
            timings.append(timing)
            if on_timing:
                on_timing(timing)
    return EnsembleBenchmark(members=len(plan.seeds), workers=workers, timings=tuple(timings))


def _time_backend(plan: SweepPlan, backend: str, workers: int) -> BackendTiming:
    folder = Path(tempfile.mkdtemp(prefix=f"idlib-bench-{backend}-"))
    try:
        t0 = time.perf_counter()
        result = run_sweep(plan, workers=workers, dask_local=backend == "dask", folder=folder)
        wall = time.perf_counter() - t0
        records = [json.loads(line) for line in
                   (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if line]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return BackendTiming(backend=backend, wall_s=wall, finished=result.finished,
                         failed=len(result.failed), workers=workers,
                         run_s=sum(r.get("seconds", 0.0) for r in records if r.get("status") == "ok"),
                         post_s=result.post_seconds)
