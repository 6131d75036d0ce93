"""``idlib-sim bench-ensemble``: time an ensemble on the pool and on Dask
(:mod:`sim.ensemble.benchmark`) and print it."""

from __future__ import annotations

from sim.analysis.benchmark import DEFAULT_SCENARIO
from sim.cli.common import add_command, add_workers, positive_int
from sim.cli.sweep import add_parameter_uncertainty, posterior_choice


def add_parser(subparsers):
    p = add_command(subparsers, "bench-ensemble",
                    "time a full-scale ensemble: process pool vs Dask",
                    "idlib-sim bench-ensemble --members 16 --workers 2\n"
                    "idlib-sim bench-ensemble --members 8 --turns 3   (pool, Dask, pool, ...: medians)\n"
                    "idlib-sim bench-ensemble --members 4 --people 250000 --no-dask")
    p.add_argument("scenario", nargs="?", default=None,
                   help=f"scenario YAML file (default: {DEFAULT_SCENARIO})")
    p.add_argument("--members", type=positive_int, default=16,
                   help="ensemble members, one seed each (default: 16)")
    add_workers(p, default=2)
    p.add_argument("--people", type=positive_int, default=None,
                   help="override total people (default: the scenario's)")
    p.add_argument("--turns", type=positive_int, default=1,
                   help="time the back-ends in turns this many times and compare medians, for a "
                        "machine whose speed wanders (default: 1)")
    p.add_argument("--no-dask", action="store_true",
                   help="time the process pool only (default: the pool, then local Dask)")
    add_parameter_uncertainty(p)
    return p


def run(args) -> int:
    from sim.ensemble.benchmark import benchmark_ensemble, benchmark_plan

    plan = benchmark_plan(args.scenario, args.members, people=args.people,
                          posterior=posterior_choice(args))
    print(f"ensemble of {args.members} members of {plan.spec.name} "
          f"({plan.base_data['population']['total_people']:,} people, "
          f"{plan.base_data['days']} days) on {args.workers} workers")

    def show(t) -> None:
        print(f"{t.backend:5s} wall time {t.wall_s:7.1f} s   {t.runs_per_minute:5.1f} runs/minute"
              f"   ({t.finished} runs, {t.failed} failed; combine included)\n"
              f"      a run {t.mean_run_s:5.2f} s in its worker; runs {t.run_s / t.workers:6.1f} s"
              f" of the wall, combine and statistics {t.post_s:5.1f} s,"
              f" the rest {t.rest_s:5.1f} s (start, hand-out, idle)")

    result = benchmark_ensemble(plan, workers=args.workers, turns=args.turns,
                                backends=("pool",) if args.no_dask else ("pool", "dask"),
                                on_timing=show)
    if result.dask_overhead is not None:
        medians = " (medians)" if args.turns > 1 else ""
        print(f"Dask overhead over the local pool{medians}: {result.dask_overhead * 100:+.1f} %")
    print(f"projected 64-member ensemble on the pool: {result.projected_minutes(64):.1f} minutes")
    return 0
