"""``idlib-sim sensitivity``: Morris/Sobol indices of a finished sweep, as tables and tornado plots."""

from __future__ import annotations

from pathlib import Path

from sim.cli.common import add_command


def add_parser(subparsers):
    p = add_command(subparsers, "sensitivity", "Morris/Sobol indices and tornado plots of a sweep",
                    "idlib-sim sensitivity results/border_and_behaviour/")
    p.add_argument("folder", help="a sweep's results folder, e.g. results/<sweep>/")
    return p


def run(args) -> int:
    import json

    from rich.console import Console
    from rich.table import Table

    from sim.analysis.sensitivity import sweep_sensitivity, write_indices_csv
    from sim.report.plots.sensitivity import tornado

    folder = Path(args.folder)
    indices = sweep_sensitivity(folder)
    plan = json.loads((folder / "sweep.json").read_text())
    out = folder / "sensitivity"
    csv_path = write_indices_csv(indices, out / "indices.csv")
    console = Console()
    for ix in indices:
        t = Table(title=f"{ix.metric} ({ix.method})")
        t.add_column("parameter")
        for k in ix.values:
            t.add_column(k, justify="right")
        for j in sorted(range(len(ix.parameters)), key=lambda j: -ix.values[ix.main][j]):
            t.add_row(ix.parameters[j], *[f"{ix.values[k][j]:.3g}" for k in ix.values])
        console.print(t)
        tornado(ix, out / f"tornado_{ix.metric}", plan["name"],
                len(plan["points"]) * len(plan["seeds"]), len(plan["seeds"]))
    print(f"indices: {csv_path}; tornado plots: {out}/tornado_*.png")
    return 0
