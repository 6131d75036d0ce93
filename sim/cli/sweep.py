"""``idlib-sim sweep`` and ``idlib-sim sensitivity``: progress and printed results only."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table


def cmd_sweep(args) -> int:
    from sim.ensemble.plan import load_sweep
    from sim.ensemble.sweep import run_sweep

    plan = load_sweep(args.sweep)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        from sim.errors import InputError

        raise InputError(f"{out} exists and is not a folder", field="--out")
    console = Console(stderr=True)
    backend = (f"Dask scheduler {args.scheduler}" if args.scheduler else
               "local Dask cluster" if args.dask_local else "local process pool")
    console.print(f"sweep [bold]{plan.spec.name}[/bold]: {len(plan.points)} points x "
                  f"{len(plan.seeds)} members = {plan.n_runs} runs on {backend}")
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total} runs"),
                  TextColumn("[red]{task.fields[failed]} failed"), TimeElapsedColumn(),
                  TextColumn("ETA"), TimeRemainingColumn(), console=console,
                  disable=args.quiet) as prog:
        task = prog.add_task(plan.spec.name, total=plan.n_runs, failed=0)

        def progress(done: int, failed: int, total: int) -> None:
            prog.update(task, completed=done + failed, failed=failed)

        result = run_sweep(plan, out, workers=args.workers, scheduler=args.scheduler,
                           dask_local=args.dask_local, on_progress=progress)
    print(f"{result.finished} runs finished, {result.skipped} already done, "
          f"{len(result.failed)} failed, in {result.seconds:.1f} s -> {result.folder}")
    for rec in result.failed:
        print(f"  FAILED {rec['run_id']} seed {rec['seed']} params {rec['params']}: {rec['error']}")
    if result.combined:
        print(f"combined dataset: {result.combined}")
    if result.stats:
        print(f"ensemble P10/P50/P90: {result.stats}")
    return 1 if result.failed else 0


def cmd_sensitivity(args) -> int:
    import json

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
