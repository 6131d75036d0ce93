"""``idlib-sim bench`` (sim/analysis/benchmark.py, sim/cli/bench.py): the figures it prints
exist and add up; timings themselves are never asserted."""

from __future__ import annotations

import json
import os
import re

import pytest

from sim.analysis.benchmark import PHASES, SCHEDULE, Phase, RunBenchmark, median_benchmark
from sim.cli.main import main
from tests.test_cli import main_exit_code, one_line, write_tiny

ROWS = ("start-up", "load scenario", "build model", "simulate", "dataset + NetCDF",
        "whole process", "peak memory (RSS)")


def check_consistent(b: RunBenchmark) -> None:
    for name in (*PHASES, "whole"):
        phase = getattr(b, name)
        assert phase.wall_s >= 0 and phase.cpu_s >= 0, name
    # The phases follow one another inside the whole process (10 ms: the clock-tick
    # resolution of the process start time on Linux).
    assert sum(getattr(b, name).wall_s for name in PHASES) <= b.whole.wall_s + 0.011
    assert sum(getattr(b, name).cpu_s for name in PHASES) <= b.whole.cpu_s + 1e-6
    assert b.peak_memory_mb > 0 and b.netcdf_mb > 0
    assert b.cpu_ms_per_day == pytest.approx(b.simulate.cpu_s / b.days * 1000)
    assert b.wall_ms_per_day == pytest.approx(b.simulate.wall_s / b.days * 1000)
    if b.steps:   # the sub-steps happen inside the simulation
        assert list(b.steps) == list(SCHEDULE)
        assert sum(p.wall_s for p in b.steps.values()) <= b.simulate.wall_s + 1e-6
        assert all(p.wall_s >= 0 and p.cpu_s >= 0 for p in b.steps.values())


def test_bench_prints_every_phase_wall_and_cpu(tmp_path, capsys):
    path = write_tiny(tmp_path)
    assert main(["bench", str(path), "--days", "5", "--out", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    for label in ROWS:
        (line,) = [x for x in lines if x.startswith(label)]
        if label != "peak memory (RSS)":      # wall and CPU seconds
            assert len(re.findall(r"\d+\.\d\d s\b", line)) == 2, line
    assert any("ms CPU per simulated day" in x for x in lines)


def test_bench_json_fields_are_consistent(tmp_path, capsys):
    path = write_tiny(tmp_path)
    assert main(["bench", str(path), "--days", "5", "--out", str(tmp_path), "--json"]) == 0
    b = RunBenchmark.from_dict(json.loads(capsys.readouterr().out))
    assert b.days == 5 and b.repeats == 1 and b.households > 0 and b.steps
    assert b.steps["decide_to_flee"].wall_s > 0      # every day went through the timed sub-steps
    check_consistent(b)


def test_the_timed_sub_steps_are_the_models_schedule():
    # SCHEDULE names the calls of DisplacementModel.step, in order: a sub-step added to the
    # step and not to SCHEDULE would go untimed (and the table would no longer add up).
    import inspect

    from sim.engine.model import DisplacementModel
    source = inspect.getsource(DisplacementModel.step)
    calls = [c for c in re.findall(r"self\.(\w+)\(", source)]
    assert tuple(calls) == SCHEDULE


def test_bench_prints_where_a_day_goes(tmp_path, capsys):
    path = write_tiny(tmp_path)
    assert main(["bench", str(path), "--days", "4", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    table = out[out.index("where a day goes"):].splitlines()[1:]
    assert [line.split()[0] for line in table] == list(SCHEDULE)
    shares = [float(line.split()[-1].rstrip("%")) for line in table]
    assert sum(shares) == pytest.approx(100, abs=0.5)


def test_bench_repeat_runs_fresh_processes_and_takes_medians(tmp_path, capsys):
    path = write_tiny(tmp_path)
    assert main(["bench", str(path), "--days", "3", "--out", str(tmp_path), "--repeat", "2",
                 "--json"]) == 0
    b = RunBenchmark.from_dict(json.loads(capsys.readouterr().out))
    assert b.repeats == 2 and b.days == 3
    check_consistent(b)
    # A fresh interpreter: start-up is seconds of imports, not the test process's age.
    assert b.startup.wall_s < b.whole.wall_s
    assert [f for f in os.listdir(tmp_path) if f.endswith(".nc")] == ["bench-tiny.nc"]


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_bench_bad_repeat_is_one_line(value, capsys):
    assert main_exit_code(["bench", "--repeat", value]) == 2
    line = one_line(capsys.readouterr().err)
    assert "--repeat" in line


def test_median_is_each_figures_own():
    def bench(x: float) -> RunBenchmark:
        p = Phase(x, x / 2)
        return RunBenchmark("s", "s.yaml", 10, 2, 5, p, p, p, p, p, Phase(5 * x, 5 * x / 2),
                            "s.nc", x, 100 * x, 7.0)

    m = median_benchmark([bench(1.0), bench(3.0), bench(2.0)])
    assert m.repeats == 3 and m.simulate == Phase(2.0, 1.0) and m.peak_memory_mb == 200.0
    check_consistent(m)


def test_roads_with_people_scale_the_road_capacity_by_the_people(tmp_path, capsys):
    path = write_tiny(tmp_path)
    written = main(["bench", str(path), "--days", "3", "--out", str(tmp_path), "--json"])
    base = RunBenchmark.from_dict(json.loads(capsys.readouterr().out))
    assert written == 0 and base.road_capacity_scale == 1.0
    people = 3 * base.people
    assert main(["bench", str(path), "--days", "3", "--out", str(tmp_path), "--people",
                 str(people), "--roads-with-people", "--json"]) == 0
    b = RunBenchmark.from_dict(json.loads(capsys.readouterr().out))
    assert b.people == people and b.road_capacity_scale == pytest.approx(3.0)
    assert main(["bench", str(path), "--days", "3", "--out", str(tmp_path), "--people",
                 str(people), "--roads-with-people"]) == 0
    assert "road capacity       x 3 " in capsys.readouterr().out


def test_roads_with_people_without_people_is_one_line(capsys):
    assert main_exit_code(["bench", "--roads-with-people"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "--roads-with-people" in line and "--people" in line
