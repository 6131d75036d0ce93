"""Benchmark: one full-scale ensemble timed on the local process pool, then on local Dask.

Returns the wall times as an :class:`EnsembleBenchmark` (``idlib-sim bench-ensemble`` prints
it): what Dask costs over the pool on one machine, and what a 64-member ensemble would take.
Every run is written and combined as in a real sweep, into temporary folders removed after.
"""

from __future__ import annotations

import shutil
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

    @property
    def runs_per_minute(self) -> float:
        return self.finished / self.wall_s * 60


@dataclass(frozen=True)
class EnsembleBenchmark:
    members: int
    workers: int
    timings: tuple[BackendTiming, ...]

    def timing(self, backend: str) -> BackendTiming | None:
        return next((t for t in self.timings if t.backend == backend), None)

    @property
    def dask_overhead(self) -> float | None:
        """Dask's wall time over the pool's, minus 1 (0.05 = 5 % slower); None if not timed."""
        pool, dask = self.timing("pool"), self.timing("dask")
        return None if pool is None or dask is None else dask.wall_s / pool.wall_s - 1

    def projected_minutes(self, members: int = 64) -> float | None:
        """Minutes ``members`` runs would take on the pool, from its time per run."""
        pool = self.timing("pool")
        return None if pool is None else members * pool.wall_s / self.members / 60


def benchmark_plan(scenario: str | Path | None = None, members: int = 16,
                   people: int | None = None, posterior=DEFAULT) -> SweepPlan:
    """The ensemble to time: ``members`` seeds of ``scenario``, ``people`` overriding its size
    (posterior predictive unless ``posterior`` is None, as every ensemble)."""
    overrides = {} if people is None else {"population.total_people": people}
    return ensemble_plan(scenario or DEFAULT_SCENARIO, members, overrides=overrides,
                         posterior=posterior)


def benchmark_ensemble(plan: SweepPlan, *, workers: int = 2, backends: Sequence[str] = BACKENDS,
                       on_timing: Callable[[BackendTiming], None] | None = None) -> EnsembleBenchmark:
    """Run ``plan`` once per back-end (the pool first); ``on_timing`` hears of each as it ends."""
    timings = []
    for backend in backends:
        folder = Path(tempfile.mkdtemp(prefix=f"idlib-bench-{backend}-"))
        try:
            t0 = time.perf_counter()
            result = run_sweep(plan, workers=workers, dask_local=backend == "dask", folder=folder)
            timing = BackendTiming(backend=backend, wall_s=time.perf_counter() - t0,
                                   finished=result.finished, failed=len(result.failed))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        timings.append(timing)
        if on_timing:
            on_timing(timing)
    return EnsembleBenchmark(members=len(plan.seeds), workers=workers, timings=tuple(timings))
