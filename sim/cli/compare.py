"""``idlib-sim compare``: the planning figures of two runs (or ensembles) side by side, their
differences printed, written as CSV and plotted."""

from __future__ import annotations

from pathlib import Path

from sim.cli.common import add_command, add_out, check_folder, positive_int


def add_parser(subparsers):
    p = add_command(subparsers, "compare", "compare the planning figures of two runs or ensembles",
                    "idlib-sim compare results/idlib_full_assault/seed1-930d4ea0.nc "
                    "results/idlib_border_open/seed1-5be2c1a7.nc")
    p.add_argument("run_a", metavar="RUN_A", help="a run .nc, an ensemble .nc or a folder of runs")
    p.add_argument("run_b", metavar="RUN_B", help="the run to compare with RUN_A (differences "
                   "are B - A)")
    add_out(p, default="results/compare", what="folder for the table and the figure")
    p.add_argument("--dpi", type=positive_int, default=200, help="PNG resolution (default: 200)")
    return p


def label(path: Path) -> str:
    return path.name if path.is_dir() else path.stem


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from sim.analysis.compare import compare_runs
    from sim.io.atomic import atomic_path
    from sim.io.results import Runs, load_results
    from sim.report.plots.compare import plot_compare
    from sim.report.plots.style import people

    pa, pb = Path(args.run_a), Path(args.run_b)
    a, b = Runs(load_results(pa)), Runs(load_results(pb))
    out = Path(args.out)
    check_folder(out, "--out")
    table = compare_runs(a, b)
    t = Table(title=f"A = {a.scenario_name} ({a.runs_phrase()}), B = {b.scenario_name} "
                    f"({b.runs_phrase()})", title_justify="left")
    for col in ("measure", "A", "B", "B - A", "(B - A) / A"):
        t.add_column(col, justify="left" if col == "measure" else "right")
    for r in table.itertuples():
        fmt = (lambda x: f"{x:.0%}") if r.unit == "share" else people
        rel = "-" if r.relative_difference != r.relative_difference else f"{r.relative_difference:+.0%}"
        diff = f"{round(r.difference * 100):+d} pts" if r.unit == "share" else \
            f"{'+' if r.difference > 0 else ''}{people(r.difference)}"
        t.add_row(f"{r.measure} ({r.unit})", fmt(r.a), fmt(r.b), diff, rel)
    Console().print(t)
    if a.days != b.days:
        print(f"note: A covers {a.days} days and B {b.days}; 'at the end' is each run's last day")
    stem = out / f"{label(pa)}-vs-{label(pb)}"
    with atomic_path(stem.with_suffix(".csv")) as tmp:
        table.to_csv(tmp, index=False)
    res = plot_compare(a, b, table, stem, dpi=args.dpi)
    print(f"table: {stem.with_suffix('.csv')}; figure: {', '.join(str(p) for p in res.paths)}")
    return 0
