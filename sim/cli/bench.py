"""``idlib-sim bench``: time a full-scale run (:mod:`sim.analysis.benchmark`) and print it.

With ``--repeat N`` each run is a fresh ``idlib-sim bench --json`` process (so start-up is
measured as a user meets it), its whole-process time taken from outside, and each figure is
the median of the N. With ``--vs-flee`` it runs our model and FLEE 3.1 (the optional extra
``[bench]``) on the same graph for ``--flee-days`` days and prints both costs per person-day
and their ratio (:mod:`sim.analysis.flee_bench`).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from dataclasses import asdict

from sim.analysis.benchmark import DEFAULT_SCENARIO
from sim.cli.common import add_command, add_out, positive_int
from sim.errors import InputError


def add_parser(subparsers):
    p = add_command(subparsers, "bench", "time a full-scale run and print speed and peak memory",
                    "idlib-sim bench\nidlib-sim bench --repeat 5\nidlib-sim bench "
                    "scenarios/idlib_southern_offensive.yaml --people 500000 --days 90\n"
                    "idlib-sim bench --vs-flee --flee-agents 20000")
    p.add_argument("scenario", nargs="?", default=None,
                   help=f"scenario YAML file (default: {DEFAULT_SCENARIO})")
    p.add_argument("--people", type=positive_int, default=None,
                   help="override total people (default: the scenario's)")
    p.add_argument("--days", type=positive_int, default=None,
                   help="override days, up to 3650 (default: the scenario's)")
    p.add_argument("--roads-with-people", action="store_true",
                   help="with --people, scale the roads' capacities by the same factor, so the "
                        "roads carry the same share of the people and a larger run has the "
                        "same queues (default: the scenario's roads, which congest)")
    p.add_argument("--repeat", type=positive_int, default=1,
                   help="runs, each in a fresh process; figures are their medians (default: 1, "
                        "in this process)")
    p.add_argument("--json", action="store_true",
                   help="print the figures as one JSON object (default: a table)")
    add_out(p, default=None, what="folder for the NetCDF", shown="a temporary one")
    g = p.add_argument_group("against FLEE 3.1 (needs the extra: pip install -e '.[bench]')")
    g.add_argument("--vs-flee", action="store_true",
                   help="run ours and FLEE on the scenario's places and roads for --flee-days "
                        "days and print both costs per person-day and their ratio (default: off)")
    g.add_argument("--flee-days", type=positive_int, default=5,
                   help="days both models run with --vs-flee (default: 5)")
    g.add_argument("--flee-agents", type=positive_int, default=100_000,
                   help="FLEE agents, one person each (default: 100000; FLEE takes about "
                        "0.5 s per 10,000 agent-days)")
    return p


def run(args) -> int:
    from sim.analysis.benchmark import benchmark_run, median_benchmark

    if args.roads_with_people and args.people is None:
        raise InputError("it scales the roads as --people scales the people: give --people "
                         "too (e.g. --people 5000000)", where="--roads-with-people")
    if args.vs_flee:
        return _vs_flee(args)
    if args.repeat == 1:
        b = benchmark_run(args.scenario, people=args.people, days=args.days, out=args.out,
                          roads_with_people=args.roads_with_people)
    else:
        b = median_benchmark([_fresh_process(args) for _ in range(args.repeat)])
    if args.json:
        print(json.dumps(b.to_dict()))
    else:
        print_benchmark(b)
    return 0


def _vs_flee(args) -> int:
    from sim.analysis.flee_bench import compare_with_flee

    if args.repeat != 1 or args.days is not None or args.out is not None or args.roads_with_people:
        raise InputError("--vs-flee runs once in this process for --flee-days days and writes "
                         "nothing; leave out --repeat, --days, --out and --roads-with-people",
                         where="--vs-flee")
    c = compare_with_flee(args.scenario, people=args.people, days=args.flee_days,
                          agents=args.flee_agents)
    if args.json:
        print(json.dumps(asdict(c) | {"ratio": c.ratio, "wall_ratio": c.wall_ratio,
                                      "displaced_ratio": c.displaced_ratio}))
    else:
        print_comparison(c)
    return 0


def _fresh_process(args):
    """One ``idlib-sim bench --json`` in a new interpreter; its whole time seen from outside."""
    from sim.analysis.benchmark import RunBenchmark

    argv = [sys.executable, "-m", "sim.cli", "bench", "--json"]
    argv += [args.scenario] if args.scenario else []
    for flag in ("people", "days", "out"):
        if getattr(args, flag) is not None:
            argv += [f"--{flag}", str(getattr(args, flag))]
    argv += ["--roads-with-people"] if args.roads_with_people else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    proc = subprocess.run(argv, capture_output=True, text=True)
    wall = time.time() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise InputError(f"the benchmark run failed (exit {proc.returncode}): {last}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    data["whole"] = {"wall_s": wall, "cpu_s": cpu}
    return RunBenchmark.from_dict(data)


def print_benchmark(b) -> None:
    def row(label: str, phase, note: str = "") -> None:
        print(f"{label:<20}{phase.wall_s:8.2f} s {phase.cpu_s:8.2f} s{note}")

    print(f"scenario            {b.scenario_name} ({b.source_path})")
    print(f"people / households {b.people:,} / {b.households:,}")
    print(f"days                {b.days}")
    if b.road_capacity_scale != 1.0:
        print(f"road capacity       x {b.road_capacity_scale:g} (movement.road_capacity_scale)")
    if b.repeats > 1:
        print(f"runs                {b.repeats}, each in a fresh process: medians")
    print(f"{'':<20}{'wall':>10} {'CPU':>10}   (CPU: user + system)")
    row("start-up", b.startup, "   interpreter + imports until the model can start")
    row("load scenario", b.load)
    row("build model", b.build, "   geography, population, model")
    row("simulate", b.simulate,
        f"   ({b.wall_ms_per_day:.1f} ms wall, {b.cpu_ms_per_day:.1f} ms CPU per simulated day)")
    row("dataset + NetCDF", b.write, f"   ({b.netcdf_mb:.1f} MB, {b.netcdf_path})")
    row("whole process", b.whole, "   from the interpreter's start")
    print(f"peak memory (RSS)   {b.peak_memory_mb:8.0f} MB")
    print(f"displaced           {b.displaced:,.0f}")
    if b.steps:
        print_steps(b)


def print_steps(b) -> None:
    """Where the simulation's CPU time goes: each sub-step of the day, in the model's order."""
    total = sum(p.cpu_s for p in b.steps.values()) or 1.0
    print(f"where a day goes    {'CPU':>10} {'per day':>10} {'share':>7}   (sub-steps of "
          "DisplacementModel.step)")
    for name, p in b.steps.items():
        print(f"  {name:<20}{p.cpu_s:6.2f} s {p.cpu_s / b.days * 1000:7.2f} ms {p.cpu_s / total:6.1%}")


def print_comparison(c) -> None:
    """Ours and FLEE side by side: size, seconds and microseconds per person-day."""
    print(f"{'scenario':<22}{c.scenario_name}: {c.places} places, {c.routes} roads; FLEE's "
          f"conflict zones: {len(c.conflict_zones)} places on its axes and strikes")
    print(f"{'':<22}{c.ours.model:>16}{c.flee.model:>16}")
    rows = [
        ("people (agents)", f"{c.ours.people:,}", f"{c.flee.people:,}"),
        ("displaced (end)", f"{c.ours.displaced:,.0f}", f"{c.flee.displaced:,.0f}"),
        ("days", f"{c.ours.days}", f"{c.flee.days}"),
        ("build, wall / CPU", f"{c.ours.build.wall_s:.2f} / {c.ours.build.cpu_s:.2f} s",
         f"{c.flee.build.wall_s:.2f} / {c.flee.build.cpu_s:.2f} s"),
        ("simulate, wall", f"{c.ours.simulate.wall_s:.2f} s", f"{c.flee.simulate.wall_s:.2f} s"),
        ("simulate, CPU", f"{c.ours.simulate.cpu_s:.2f} s", f"{c.flee.simulate.cpu_s:.2f} s"),
        ("us/person-day, wall", f"{c.ours.wall_us_per_person_day:.3f}",
         f"{c.flee.wall_us_per_person_day:.3f}"),
        ("us/person-day, CPU", f"{c.ours.cpu_us_per_person_day:.3f}",
         f"{c.flee.cpu_us_per_person_day:.3f}"),
        ("us/displaced-day, CPU", f"{c.ours.cpu_us_per_displaced_day:.3f}",
         f"{c.flee.cpu_us_per_displaced_day:.3f}"),
    ]
    for label, ours, flee in rows:
        print(f"{label:<22}{ours:>16}{flee:>16}")
    print(f"{'ratio FLEE / ours':<22}{c.ratio:,.0f} x per person-day (CPU; wall {c.wall_ratio:,.0f} x); "
          f"{c.displaced_ratio:,.0f} x per displaced person-day")
    print("(every FLEE agent starts displaced in a conflict zone and moves daily; most of our "
          "people are residents deciding whether to flee; ours per displaced person-day counts "
          "the last day's displaced on every day)")
