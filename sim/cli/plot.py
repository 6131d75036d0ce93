"""``idlib-sim plot``: the figures of a run, an ensemble or a folder of runs (PNG, PDF, SVG)."""

from __future__ import annotations

from pathlib import Path

from sim.cli.common import add_command, add_out, check_folder, positive_int


def add_parser(subparsers):
    p = add_command(subparsers, "plot", "draw the figures of a run or an ensemble (PNG and PDF)",
                    "idlib-sim plot results/idlib_full_assault/<run-id>.nc --window 0:29 "
                    "--days 7,30,90")
    p.add_argument("results", help="a run file results/<scenario>/<run-id>.nc, an ensemble "
                   ".nc, or a folder of runs")
    p.add_argument("--window", default=None,
                   help="START:END for the flow map, dates (2018-09-10:2018-10-09) or day "
                   "indices (0:29), inclusive (default: the whole run)")
    p.add_argument("--days", default=None,
                   help="days of the small-multiple maps, comma-separated (default: 7,30,90)")
    p.add_argument("--format", default="png,pdf",
                   help="png, pdf, svg, comma-separated (default: png,pdf)")
    p.add_argument("--dpi", type=positive_int, default=200, help="PNG resolution (default: 200)")
    add_out(p, default=None, what="folder for the figures", shown="the run's folder, <run-id>/")
    return p


def run(args) -> int:
    from sim.cli.options import parse_days, parse_formats, parse_window
    from sim.io.results import Runs, load_results
    from sim.report.plots import plot_all

    src = Path(args.results)
    formats = parse_formats(args.format)
    days = parse_days(args.days)
    runs = Runs(load_results(src))
    window = parse_window(args.window, runs) if args.window is not None else None
    out = Path(args.out) if args.out else (src if src.is_dir() else src.with_suffix(""))
    check_folder(out, "--out")
    results = plot_all(runs, out, window=window, panel_days=days, formats=formats, dpi=args.dpi)
    print(f"{runs.scenario_name} ({runs.runs_phrase()}): {len(results)} figures in {out}/")
    for name, res in results.items():
        print(f"  {name}: {', '.join(p.name for p in res.paths)}")
    return 0
