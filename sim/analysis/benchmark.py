"""Benchmark: one full-scale run timed phase by phase, from the interpreter's start to the NetCDF.

The phases are start-up (interpreter and the imports until the model can start), loading the
scenario, building the model (geography, day-0 population, places and roads), simulating, and
writing (dataset + NetCDF); each is measured as wall time and as CPU time (user + system of
this process), because wall time on a shared machine says as much about the other jobs as
about this one. :class:`RunBenchmark` holds them, the peak memory (resident set size
high-water mark) and the run's size; ``idlib-sim bench`` prints it, or the median of several
runs, each in a fresh process so that start-up is measured honestly. Speed is measured here,
never asserted in tests.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

DEFAULT_SCENARIO = "scenarios/idlib_full_assault.yaml"

_IMPORTED_WALL = time.time()
"""Where the process's start time cannot be read (not Linux): start-up counts from here."""


@dataclass(frozen=True)
class Phase:
    """Seconds one phase took: on the clock (``wall_s``) and on the CPU (``cpu_s``)."""

    wall_s: float
    cpu_s: float


PHASES = ("startup", "load", "build", "simulate", "write")
"""The phases of a run, in order; with the whole process they are the fields timed."""

SCHEDULE = ("update_danger", "plan_routes", "enter", "respond", "return_home", "decide_to_flee",
            "depart", "choose_destinations", "move", "admit", "settle", "take_head_count", "record")
"""The sub-steps of ``DisplacementModel.step``, in order: where the simulation's time goes."""


@dataclass(frozen=True)
class RunBenchmark:
    """Where the time of one run goes, and what the run was."""

    scenario_name: str
    source_path: str
    people: int
    households: int
    days: int
    startup: Phase
    """The interpreter's start and the imports until the model can start."""
    load: Phase
    """Reading, validating and place-checking the scenario (and applying the overrides)."""
    build: Phase
    """Building the model: geography, day-0 population, places and roads."""
    simulate: Phase
    write: Phase
    """Building the dataset and writing the NetCDF atomically (the imports it needs included)."""
    whole: Phase
    """The whole process until the NetCDF is written (at least the sum of the phases)."""
    netcdf_path: str
    netcdf_mb: float
    peak_memory_mb: float
    displaced: float
    """Cumulative people displaced on the last day (a check that the run did something)."""
    repeats: int = 1
    """Runs whose median this is (each figure's own median)."""
    road_capacity_scale: float = 1.0
    """The scenario's ``movement.road_capacity_scale`` as run (``--roads-with-people``)."""
    steps: dict[str, Phase] = field(default_factory=dict)
    """Time in each sub-step of the daily schedule (:data:`SCHEDULE`) over the whole run."""

    @property
    def wall_ms_per_day(self) -> float:
        return self.simulate.wall_s / self.days * 1000

    @property
    def cpu_ms_per_day(self) -> float:
        return self.simulate.cpu_s / self.days * 1000

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "RunBenchmark":
        values = dict(data)
        for name in (*PHASES, "whole"):
            values[name] = Phase(**values[name])
        values["steps"] = {k: Phase(**v) for k, v in values.get("steps", {}).items()}
        return cls(**values)


def cpu_seconds() -> float:
    """CPU time of this process so far, user + system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_start_wall() -> float:
    """The wall-clock time (``time.time()``) at which this process started.

    Linux: from ``/proc/self/stat`` (clock ticks since boot, 10 ms resolution); elsewhere the
    moment this module was imported, which leaves out the interpreter's own start.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            after_name = f.read().rpartition(")")[2].split()
        started_after_boot = int(after_name[19]) / os.sysconf("SC_CLK_TCK")
        boot = time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
        return boot + started_after_boot
    except (OSError, ValueError, IndexError, AttributeError):
        return _IMPORTED_WALL


def peak_memory_mb() -> float:
    """The process's resident set size high-water mark (kB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak / 1024 if sys.platform == "darwin" else peak


class Clock:
    """Wall and CPU time since the last lap."""

    def __init__(self, wall: float, cpu: float):
        self.wall, self.cpu = wall, cpu

    def lap(self) -> Phase:
        wall, cpu = time.time(), cpu_seconds()
        phase = Phase(wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return phase


def benchmark_run(scenario: str | Path | None = None, *, people: int | None = None,
                  days: int | None = None, out: str | Path | None = None,
                  roads_with_people: bool = False) -> RunBenchmark:
    """Time one run of ``scenario`` (default: the full assault), optionally resized.

    ``people`` and ``days`` override the scenario's and are validated like the YAML
    (:meth:`~sim.config.scenario.Scenario.with_overrides`): ``days=5000`` is refused as the
    file would be. With ``roads_with_people`` the roads' capacities are scaled by the same
    factor as the people (``movement.road_capacity_scale``): camps and hosts are scaled with
    the people anyway (docs/model.md), and roads that are not make journeys at 5 M people
    last several times as long, so the model does several times the travel (docs/speed.md).
    The NetCDF goes to ``out`` (default: a new temporary folder). Start-up is counted from the
    start of this process: call it from a fresh one (``idlib-sim bench``).
    """
    from sim.engine.model import DisplacementModel
    from sim.world.scenarios import load_scenario

    started = process_start_wall()
    clock = Clock(started, 0.0)
    startup = clock.lap()
    sc = load_scenario(scenario or DEFAULT_SCENARIO)
    overrides: dict[str, object] = {}
    if people is not None:
        overrides["population.total_people"] = people
        if roads_with_people:
            overrides["movement.road_capacity_scale"] = (
                sc.movement.road_capacity_scale * people / sc.population.total_people)
    if days is not None:
        overrides["days"] = days
    if overrides:
        sc = sc.with_overrides(overrides)
    load = clock.lap()
    model = DisplacementModel(sc)
    build = clock.lap()
    steps = time_sub_steps(model)
    while model.running:
        model.step()
    simulate = clock.lap()
    from sim.io.dataset import to_dataset, write_atomic
    from sim.io.numpy_only import numpy_arrays_only

    with numpy_arrays_only():
        ds = to_dataset(model)
        folder = Path(out) if out else Path(tempfile.mkdtemp(prefix="idlib-bench-"))
        path = write_atomic(ds, folder / f"bench-{sc.name}.nc")
    write = clock.lap()
    return RunBenchmark(
        scenario_name=sc.name, source_path=str(sc.source_path), people=model.initial_people,
        households=len(model.households), days=sc.days, startup=startup, load=load,
        build=build, simulate=simulate, write=write,
        whole=Phase(clock.wall - started, clock.cpu), netcdf_path=str(path),
        netcdf_mb=path.stat().st_size / 1e6, peak_memory_mb=peak_memory_mb(),
        displaced=float(ds["cumulative_displaced"].values[-1]),
        road_capacity_scale=sc.movement.road_capacity_scale,
        steps={name: Phase(*spent) for name, spent in steps.items()})


def time_sub_steps(model) -> dict[str, list[float]]:
    """From now on, add the wall and CPU seconds of each of ``model``'s sub-steps
    (:data:`SCHEDULE`) into the returned ``{name: [wall_s, cpu_s]}`` (this model only: its
    methods are wrapped on the instance; two clock reads a sub-step, ~1 us)."""
    spent = {name: [0.0, 0.0] for name in SCHEDULE}

    def timed(name, method):
        total = spent[name]

        def sub_step(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                total[0] += time.perf_counter() - wall
                total[1] += time.process_time() - cpu
        return sub_step

    for name in SCHEDULE:
        setattr(model, name, timed(name, getattr(model, name)))
    return spent


def median_benchmark(runs: list[RunBenchmark]) -> RunBenchmark:
    """Each figure's median over ``runs`` (of the same scenario and size)."""
    first = runs[0]
    values = first.to_dict()
    for name in (*PHASES, "whole"):
        values[name] = Phase(statistics.median(getattr(r, name).wall_s for r in runs),
                             statistics.median(getattr(r, name).cpu_s for r in runs))
    for f in fields(RunBenchmark):
        if f.name in ("netcdf_mb", "peak_memory_mb", "displaced"):
            values[f.name] = statistics.median(getattr(r, f.name) for r in runs)
    values["steps"] = {name: Phase(statistics.median(r.steps[name].wall_s for r in runs),
                                   statistics.median(r.steps[name].cpu_s for r in runs))
                       for name in first.steps if all(name in r.steps for r in runs)}
    values["repeats"] = len(runs)
    return RunBenchmark(**values)
