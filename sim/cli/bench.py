"""Benchmark: a full-scale run timed end to end (build, simulate, write NetCDF).

Prints wall time, time per simulated day and peak memory (resident set size high-water mark).
Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_SCENARIO = "scenarios/idlib_full_assault.yaml"


def bench(scenario: str | None = None, people: int | None = None, days: int | None = None,
          out: str | None = None) -> int:
    from sim.engine.model import DisplacementModel
    from sim.io.dataset import to_dataset, write_atomic
    from sim.world.scenarios import load_scenario

    t0 = time.perf_counter()
    sc = load_scenario(scenario or DEFAULT_SCENARIO)
    update = {}
    if people is not None:
        update["population"] = sc.population.model_copy(update={"total_people": people})
    if days is not None:
        update["days"] = days
    sc = sc.model_copy(update=update)
    t1 = time.perf_counter()
    model = DisplacementModel(sc)
    t2 = time.perf_counter()
    while model.running:
        model.step()
    t3 = time.perf_counter()
    ds = to_dataset(model)
    folder = Path(out) if out else Path(tempfile.mkdtemp(prefix="idlib-bench-"))
    path = write_atomic(ds, folder / f"bench-{sc.name}.nc")
    t4 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if sys.platform == "darwin":
        peak_mb /= 1024
    print(f"scenario            {sc.name} ({sc.source_path})")
    print(f"people / households {model.initial_people:,} / {len(model.households):,}")
    print(f"days                {sc.days}")
    print(f"load scenario       {t1 - t0:7.2f} s")
    print(f"build model         {t2 - t1:7.2f} s")
    print(f"simulate            {t3 - t2:7.2f} s  ({(t3 - t2) / sc.days * 1000:.1f} ms per simulated day)")
    print(f"dataset + NetCDF    {t4 - t3:7.2f} s  ({path.stat().st_size / 1e6:.1f} MB, {path})")
    print(f"wall time total     {t4 - t0:7.2f} s")
    print(f"peak memory (RSS)   {peak_mb:7.0f} MB")
    print(f"displaced           {ds['cumulative_displaced'].values[-1]:,.0f}")
    return 0


def bench_ensemble(scenario: str | None = None, members: int = 16, workers: int = 2,
                   people: int | None = None, dask: bool = True) -> int:
    """Time a full-scale ensemble on the local process pool, then on a local Dask cluster."""
    import shutil

    from sim.ensemble.sweep import ensemble_plan, run_sweep

    path = scenario or DEFAULT_SCENARIO
    plan = ensemble_plan(path, members)
    if people is not None:
        data = dict(plan.base_data)
        data["population"] = {**data["population"], "total_people": people}
        from dataclasses import replace

        plan = replace(plan, base_data=data)
    print(f"ensemble of {members} members of {plan.spec.name} "
          f"({plan.base_data['population']['total_people']:,} people, "
          f"{plan.base_data['days']} days) on {workers} workers")
    timings = {}
    for backend in (["pool", "dask"] if dask else ["pool"]):
        folder = Path(tempfile.mkdtemp(prefix=f"idlib-bench-{backend}-"))
        t0 = time.perf_counter()
        result = run_sweep(plan, workers=workers, dask_local=backend == "dask", folder=folder)
        wall = time.perf_counter() - t0
        timings[backend] = wall
        print(f"{backend:5s} wall time {wall:7.1f} s   {result.finished / wall * 60:5.1f} runs/minute"
              f"   ({result.finished} runs, {len(result.failed)} failed; combine included)")
        shutil.rmtree(folder, ignore_errors=True)
    if "dask" in timings:
        print(f"Dask overhead over the local pool: {(timings['dask'] / timings['pool'] - 1) * 100:+.1f} %")
    per_run = timings["pool"] / members * workers
    print(f"projected 64-member ensemble on the pool: {64 * per_run / workers / 60:.1f} minutes")
    return 0
