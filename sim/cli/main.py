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

    v = sub.add_parser("validate", help="compare a run, ensemble or scenario with observed figures")
    v.add_argument("target", help="a run or combined ensemble (.nc) or a scenario (.yaml)")
    v.add_argument("observed", help="observed figures CSV (see scenarios/observed/)")
    v.add_argument("--members", type=_positive_int, default=8,
                   help="ensemble members when given a scenario (default 8)")
    v.add_argument("--workers", type=_positive_int, default=None)
    v.add_argument("--out", default="results", help="results folder for a scenario's ensemble")

    k = sub.add_parser("calibrate", help="fit behaviour parameters to observed figures (ABC)")
    k.add_argument("scenario", help="scenario YAML covering the observed windows")
    k.add_argument("observed", help="observed figures CSV")
    k.add_argument("--params", nargs="+", required=True, metavar="PATH=LOW:HIGH",
                   help="parameters and prior ranges, e.g. behaviour.flee_propensity=1.5:6")
    k.add_argument("--samples", type=_positive_int, default=64, help="Latin hypercube points")
    k.add_argument("--members", type=_positive_int, default=2, help="seeds per point")
    k.add_argument("--scale", type=float, default=1.0,
                   help="population scale for speed, in (0, 1] (counts are rescaled)")
    k.add_argument("--accept", type=float, default=0.1, help="share of points accepted")
    k.add_argument("--seed", type=_non_negative_int, default=0)
    k.add_argument("--workers", type=_positive_int, default=None)
    kw = k.add_mutually_exclusive_group()
    kw.add_argument("--scheduler", default=None)
    kw.add_argument("--dask-local", action="store_true")
    k.add_argument("--out", default="results")

    s = sub.add_parser("sensitivity", help="Morris/Sobol indices and tornado plots of a sweep")
    s.add_argument("folder", help="a sweep's results folder, e.g. results/<sweep>/")

    pl = sub.add_parser("plot", help="draw the figures of a run or an ensemble (PNG and PDF)")
    pl.add_argument("results", help="a run file results/<scenario>/<run-id>.nc, an ensemble "
                    ".nc, or a folder of runs")
    pl.add_argument("--window", default=None,
                    help="START:END for the flow map, dates (2018-09-10:2018-10-09) or day "
                    "indices (0:29), inclusive (default: the whole run)")
    pl.add_argument("--days", default=None,
                    help="days of the small-multiple maps, e.g. 7,30,90 (the default)")
    pl.add_argument("--format", default="png,pdf", help="png, pdf, svg, comma-separated "
                    "(default: png,pdf)")
    pl.add_argument("--dpi", type=_positive_int, default=200, help="PNG resolution (default 200)")
    pl.add_argument("--out", default=None,
                    help="folder for the figures (default: the run's folder, <run-id>/)")

    m = sub.add_parser("memo", help="write the planning memo (PDF, Markdown, PNG, CSV)")
    m.add_argument("scenario", help="scenario YAML (runs or reuses an ensemble), or a "
                   "results .nc file or folder")
    m.add_argument("--members", type=_positive_int, default=20,
                   help="ensemble members (default 20; finished members are reused)")
    m.add_argument("--needs", default=None, help="YAML overriding the Sphere minimums "
                   "(keys as in sim/data/sphere_defaults.yaml)")
    m.add_argument("--workers", type=_positive_int, default=None,
                   help="parallel runs (default: all cores)")
    m.add_argument("--seed", type=_non_negative_int, default=None,
                   help="root seed of the ensemble (default: the scenario's)")
    m.add_argument("--dpi", type=_positive_int, default=200, help="PNG resolution (default 200)")
    m.add_argument("--out", default="results", help="output folder (default: results)")
    m.add_argument("--quiet", action="store_true", help="no progress bar")

    from sim.cli import explore
    explore.add_parser(sub)
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
            from sim.cli.bench import bench

            return bench(args.scenario, people=args.people, days=args.days, out=args.out)
        if args.command == "bench-ensemble":
            from sim.cli.bench import bench_ensemble

            return bench_ensemble(args.scenario, members=args.members, workers=args.workers,
                                  people=args.people, dask=not args.no_dask)
        if args.command == "sweep":
            from sim.cli.sweep import cmd_sweep

            return cmd_sweep(args)
        if args.command == "validate":
            from sim.cli.validate import cmd_validate

            return cmd_validate(args)
        if args.command == "calibrate":
            from sim.cli.validate import cmd_calibrate

            return cmd_calibrate(args)
        if args.command == "sensitivity":
            from sim.cli.sweep import cmd_sensitivity

            return cmd_sensitivity(args)
        if args.command == "plot":
            return _cmd_plot(args)
        if args.command == "memo":
            return _cmd_memo(args)
        if args.command == "explore":
            from sim.cli.explore import run as cmd_explore

            return cmd_explore(args)
    except InputError as exc:
        sys.stderr.write(f"idlib-sim: error: {exc}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("idlib-sim: interrupted; nothing was written for the unfinished run\n")
        return 130
    return 0


def _cmd_check(args) -> int:
    from sim.world.scenarios import load_scenario

    sc = load_scenario(args.scenario)
    print(f"{args.scenario}: OK ({sc.name}: {sc.days} days from {sc.start_date}, "
          f"{sc.population.total_people:,} people, {len(sc.conflict.axes)} axes)")
    return 0


def _cmd_run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    import sim
    from sim.errors import InputError
    from sim.report.console import print_summary
    from sim.world.scenarios import load_scenario

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


def _cmd_plot(args) -> int:
    from sim.cli.options import parse_days, parse_formats, parse_window
    from sim.io.results import Runs, load_results
    from sim.report.plots import plot_all

    src = Path(args.results)
    formats = parse_formats(args.format)
    days = parse_days(args.days)
    runs = Runs(load_results(src))
    window = parse_window(args.window, runs) if args.window is not None else None
    out = Path(args.out) if args.out else (src if src.is_dir() else src.with_suffix(""))
    _check_folder(out, "--out")
    results = plot_all(runs, out, window=window, panel_days=days, formats=formats, dpi=args.dpi)
    print(f"{runs.scenario_name} ({runs.runs_phrase()}): {len(results)} figures in {out}/")
    for name, res in results.items():
        print(f"  {name}: {', '.join(p.name for p in res.paths)}")
    return 0


def _cmd_memo(args) -> int:
    from sim.analysis.needs import load_needs
    from sim.io.results import load_results
    from sim.report.memo import write_memo

    needs = load_needs(args.needs)            # a bad --needs file fails before any run
    src = Path(args.scenario)
    if src.suffix == ".nc" or src.is_dir():
        ds = load_results(src)
        memo_dir = (src if src.is_dir() else src.with_suffix("")) / "memo"
    else:
        ds, memo_dir = _memo_ensemble(args, src)
    _check_folder(memo_dir.parent, "--out")
    path = write_memo(ds.load(), memo_dir, needs, dpi=args.dpi)
    print(f"memo written: {path / 'memo.pdf'} (and memo.md, figures, CSV tables in {path}/)")
    return 0


def _memo_ensemble(args, scenario: Path):
    """Run (or reuse) the ensemble a memo needs; return it and the memo's folder."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from sim.ensemble.sweep import run_ensemble
    from sim.world.scenarios import load_scenario

    sc = load_scenario(scenario)
    out = Path(args.out)
    _check_folder(out, "--out")
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("run {task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=Console(stderr=True), disable=args.quiet, transient=True) as prog:
        task = prog.add_task(f"{sc.name} ensemble", total=args.members)
        ds = run_ensemble(scenario, args.members, workers=args.workers, out_dir=out,
                          root_seed=args.seed,
                          on_progress=lambda done, failed, total: prog.update(
                              task, completed=done, total=total))
    return ds, out / sc.name / "memo"


def _check_folder(folder: Path, flag: str) -> None:
    from sim.errors import InputError

    for p in (folder, *folder.parents):
        if p.exists():
            if not p.is_dir():
                raise InputError(f"{p} exists and is not a folder; give a folder", field=flag)
            break


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
