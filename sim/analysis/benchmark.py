"""Benchmark: one full-scale run timed end to end (load, build, simulate, write NetCDF).

Returns the timings, the peak memory (resident set size high-water mark of this process) and
the run's size as a :class:`RunBenchmark`; ``idlib-sim bench`` prints it. Speed is measured
here, never asserted in tests.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SCENARIO = "scenarios/idlib_full_assault.yaml"


@dataclass(frozen=True)
class RunBenchmark:
    """Where the time of one run goes, in seconds, and what the run was."""

    scenario_name: str
    source_path: str
    people: int
    households: int
    days: int
    load_s: float
    """Reading, validating and place-checking the scenario (and applying the overrides)."""
    build_s: float
    """Building the model: geography, day-0 population, places and roads."""
    simulate_s: float
    write_s: float
    """Building the dataset and writing the NetCDF atomically."""
    netcdf_path: Path
    netcdf_mb: float
    peak_memory_mb: float
    displaced: float
    """Cumulative people displaced on the last day (a check that the run did something)."""

    @property
    def total_s(self) -> float:
        return self.load_s + self.build_s + self.simulate_s + self.write_s

    @property
    def ms_per_day(self) -> float:
        return self.simulate_s / self.days * 1000


def peak_memory_mb() -> float:
    """The process's resident set size high-water mark (kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak / 1024 if sys.platform == "darwin" else peak


def benchmark_run(scenario: str | Path | None = None, *, people: int | None = None,
                  days: int | None = None, out: str | Path | None = None) -> RunBenchmark:
    """Time one run of ``scenario`` (default: the full assault), optionally resized.

    ``people`` and ``days`` override the scenario's and are validated like the YAML
    (:meth:`~sim.config.scenario.Scenario.with_overrides`): ``days=5000`` is refused as the
    file would be. The NetCDF goes to ``out`` (default: a new temporary folder).
    """
    from sim.engine.model import DisplacementModel
    from sim.io.dataset import to_dataset, write_atomic
    from sim.world.scenarios import load_scenario

    t0 = time.perf_counter()
    sc = load_scenario(scenario or DEFAULT_SCENARIO)
    overrides: dict[str, object] = {}
    if people is not None:
        overrides["population.total_people"] = people
    if days is not None:
        overrides["days"] = days
    if overrides:
        sc = sc.with_overrides(overrides)
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
    return RunBenchmark(
        scenario_name=sc.name, source_path=sc.source_path, people=model.initial_people,
        households=len(model.households), days=sc.days, load_s=t1 - t0, build_s=t2 - t1,
        simulate_s=t3 - t2, write_s=t4 - t3, netcdf_path=path,
        netcdf_mb=path.stat().st_size / 1e6, peak_memory_mb=peak_memory_mb(),
        displaced=float(ds["cumulative_displaced"].values[-1]))
