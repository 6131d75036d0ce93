"""The ``idlib-sim`` command: argument parsing, progress and error display only.

Bad input of any kind ends with one line on stderr naming the field and the fix, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse prints usage + error)
        sys.stderr.write(f"idlib-sim: error: {message}; see 'idlib-sim {self.prog.split()[-1]} --help'\n"
                         if " " in self.prog else f"idlib-sim: error: {message}; see 'idlib-sim --help'\n")
        raise SystemExit(EXIT_BAD_INPUT)


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} must be >= 0")
    return value


def _positive_int(text: str) -> int:
    value = _non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be >= 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="idlib-sim", description="Displacement scenario simulator for Idlib (Mesa ABM).")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    r = sub.add_parser("run", help="run a scenario and write results/<scenario>/<run-id>.nc")
    r.add_argument("scenario", help="scenario YAML file (see scenarios/)")
    r.add_argument("--seed", type=_non_negative_int, help="random seed (default: the scenario's)")
    r.add_argument("--out", default="results", help="output folder (default: results)")
    r.add_argument("--quiet", action="store_true", help="no progress bar")

    c = sub.add_parser("check", help="validate a scenario file without running it")
    c.add_argument("scenario")

    b = sub.add_parser("bench", help="time a full-scale run and print speed and peak memory")
    b.add_argument("scenario", nargs="?", default=None,
                   help="scenario (default: scenarios/idlib_full_assault.yaml)")
    b.add_argument("--people", type=_positive_int, default=None, help="override total people")
    b.add_argument("--days", type=_positive_int, default=None, help="override days")
    b.add_argument("--out", default=None, help="folder for the NetCDF (default: a temporary one)")

    be = sub.add_parser("bench-ensemble", help="time a full-scale ensemble: process pool vs Dask")
    be.add_argument("scenario", nargs="?", default=None)
    be.add_argument("--members", type=_positive_int, default=16)
    be.add_argument("--workers", type=_positive_int, default=2)
    be.add_argument("--people", type=_positive_int, default=None, help="override total people")
    be.add_argument("--no-dask", action="store_true", help="time the process pool only")

    w = sub.add_parser("sweep", help="run an ensemble or parameter sweep (resumable)")
    w.add_argument("sweep", help="sweep YAML file (see scenarios/sweeps/)")
    w.add_argument("--workers", type=_positive_int, default=None,
                   help="parallel runs (default: all cores)")
    where = w.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default=None,
                       help="address of a running Dask scheduler, e.g. tcp://host:8786")
    where.add_argument("--dask-local", action="store_true",
                       help="start a local Dask cluster with --workers workers")
    w.add_argument("--out", default="results", help="output folder (default: results)")
    w.add_argument("--quiet", action="store_true", help="no progress bar")

    s = sub.add_parser("sensitivity", help="Morris/Sobol indices and tornado plots of a sweep")
    s.add_argument("folder", help="a sweep's results folder, e.g. results/<sweep>/")
    return p


def main(argv: list[str] | None = None) -> int:
    from sim.errors import InputError

    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return _cmd_run(args)
        if args.command == "check":
            return _cmd_check(args)
        if args.command == "bench":
            from sim.bench import bench

            return bench(args.scenario, people=args.people, days=args.days, out=args.out)
        if args.command == "bench-ensemble":
            from sim.bench import bench_ensemble

            return bench_ensemble(args.scenario, members=args.members, workers=args.workers,
                                  people=args.people, dask=not args.no_dask)
        if args.command == "sweep":
            from sim.sweep_cli import cmd_sweep

            return cmd_sweep(args)
        if args.command == "sensitivity":
            from sim.sweep_cli import cmd_sensitivity

            return cmd_sensitivity(args)
    except InputError as exc:
        sys.stderr.write(f"idlib-sim: error: {exc}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("idlib-sim: interrupted; nothing was written for the unfinished run\n")
        return 130
    return 0


def _cmd_check(args) -> int:
    from sim.scenario import load_scenario

    sc = load_scenario(args.scenario)
    print(f"{args.scenario}: OK ({sc.name}: {sc.days} days from {sc.start_date}, "
          f"{sc.population.total_people:,} people, {len(sc.conflict.axes)} axes)")
    return 0


def _cmd_run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    import sim
    from sim.errors import InputError
    from sim.report import print_summary
    from sim.scenario import load_scenario

    sc = load_scenario(args.scenario)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder; give a folder for the results",
                         field="--out")
    console = Console(stderr=True)
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("day {task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console, disable=args.quiet, transient=True) as prog:
        task = prog.add_task(sc.name, total=sc.days)
        ds = sim.run(sc, seed=args.seed, out_dir=out,
                     on_day=lambda d, n: prog.update(task, completed=d))
    print_summary(ds)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
