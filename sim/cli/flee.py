"""FLEE 3.x cases (docs/flee.md): what ``flee-run`` and ``flee-import`` do, and ``validate``'s per-camp branch.

    idlib-sim flee-run FLEE_INPUT_DIR --validation FLEE_VALIDATION_DIR [--out DIR] [--seed N]
    idlib-sim flee-import FLEE_INPUT_DIR --out regions/NAME [--validation DIR]

``flee-run`` converts the case, runs it and scores it as FLEE does; it writes the region and
scenario (``<out>/<case>/region/``), the NetCDF (``<out>/<case>/<run-id>.nc``), the per-day
errors (``<run-id>/ard.csv``) and the per-camp figure (``<run-id>/camps_vs_observed.png``),
and ends its output with the line ``ARD <raw> rescaled <rescaled>``. Also here: the
per-camp branch of ``idlib-sim validate`` (a run against a FLEE validation folder or a
``date,camp,people`` CSV).
"""

from __future__ import annotations

import time
from pathlib import Path

MODES = ("spawning", "flight")


def add_shared(p) -> None:
    """Options both FLEE commands take."""
    from sim.cli.common import positive_int as positive

    p.add_argument("--mode", choices=MODES, default="spawning",
                   help="spawning: people enter as the observed total grows (FLEE's validation "
                   "setup, the default); flight: residents flee by our flight-decision model")
    p.add_argument("--days", type=positive, default=None,
                   help="days to simulate (default: the case's sim_period.csv Length)")
    p.add_argument("--total-from-file", action="store_true",
                   help="spawn from the 'total' row of data_layout.csv instead of the sum of "
                   "the camps (FLEE's sum_from_camps: false; default: off)")


def flee_import(args) -> int:
    from sim.io.flee import import_case

    imp = import_case(args.input, args.out, validation=args.validation,
                      spawning=args.mode == "spawning", seed=args.seed, days=args.days,
                      from_total_file=args.total_from_file)
    _print_import(imp)
    print(f"region: {imp.region.folder}/ ({len(imp.region.places)} places, "
          f"{len(imp.region.roads)} roads); scenario: {imp.scenario_path}")
    print(f"run it with: idlib-sim run {imp.scenario_path}")
    return 0


def flee_run(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    import sim
    from sim.analysis.ard import ard_line, compare_camps
    from sim.cli.common import check_folder
    from sim.io.atomic import atomic_path
    from sim.io.flee import import_case
    from sim.io.flee.case import case_name, input_folder
    from sim.report.plots.camps_vs_observed import plot_camps_vs_observed
    from sim.world.scenarios import load_scenario

    out = Path(args.out)
    check_folder(out, "--out")
    name = case_name(input_folder(args.input))
    imp = import_case(args.input, out / name / "region", validation=args.validation,
                      spawning=args.mode == "spawning", seed=args.seed, days=args.days,
                      from_total_file=args.total_from_file)
    _print_import(imp)
    sc = load_scenario(imp.scenario_path)
    started = time.perf_counter()
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("day {task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=Console(stderr=True), disable=args.quiet, transient=True) as prog:
        task = prog.add_task(sc.name, total=sc.days)
        ds = sim.run(sc, seed=args.seed, out_dir=out,
                     on_day=lambda d, n: prog.update(task, completed=d))
    seconds = time.perf_counter() - started
    comparison = compare_camps(ds, imp.counts)
    folder = Path(ds.attrs["output_path"]).with_suffix("")
    with atomic_path(folder / "ard.csv") as tmp:
        comparison.table().to_csv(tmp, index=False)
    fig = plot_camps_vs_observed(ds, comparison, folder / "camps_vs_observed",
                                 source=Path(args.validation).name)
    entered = int(ds["entered"].sum())
    print(f"{sc.name}: {sc.days} days from {sc.start_date}, {int(ds['people_total'][-1]):,} "
          f"people at the end ({int(ds.attrs['initial_people']):,} on day 0, {entered:,} "
          f"entered), {len(comparison.camps)} camps compared; ran in {seconds:.1f} s")
    print(f"results: {ds.attrs['output_path']}; errors: {folder / 'ard.csv'}; figure: "
          f"{', '.join(str(p) for p in fig.paths)}")
    print(ard_line(comparison))
    return 0


def _print_import(imp) -> None:
    for note in imp.notes:
        print(f"note: {note}")


# ----------------------------------------------------------------------------- validate


def is_camp_observations(path: str | Path) -> bool:
    """A FLEE validation folder or a CSV whose header has a ``camp`` column."""
    path = Path(path)
    if path.is_dir():
        return True
    if path.suffix.lower() != ".csv" or not path.is_file():
        return False
    with path.open(encoding="utf-8-sig") as f:
        header = f.readline().lower().replace(" ", "").strip().split(",")
    return "camp" in header


def validate_camps(args) -> int:
    """``idlib-sim validate RUN.nc OBSERVED``: FLEE's ARD of a run (or each ensemble member)."""
    import numpy as np

    from sim.analysis.ard import ard_line, compare_camps
    from sim.cli.validate import open_results
    from sim.errors import InputError
    from sim.io.atomic import atomic_path
    from sim.io.flee import load_camp_counts

    target = Path(args.target)
    if target.suffix != ".nc":
        raise InputError("per-camp observations are compared with a run: give a results .nc "
                         "file (run the scenario first)", where=str(target))
    ds = open_results(target)
    counts = load_camp_counts(args.observed)
    members = [ds.isel(run=k) for k in range(ds.sizes["run"])] if "run" in ds.dims else [ds]
    comparisons = [compare_camps(m, counts) for m in members]
    first = comparisons[0]
    print(f"{ds.attrs.get('scenario_name', '')} vs {Path(args.observed).name}: "
          f"{len(first.camps)} camps, {len(first.dates)} days, {len(members)} run(s)")
    for j, camp in enumerate(first.camps):
        sims = [c.simulated[-1, j] for c in comparisons]
        print(f"  {camp}: observed {first.observed[-1, j]:,.0f}, simulated "
              f"{np.median(sims):,.0f} on the last day")
    stem = target.parent / "validation" / f"{Path(args.observed).stem}_camps.csv"
    with atomic_path(stem) as tmp:
        first.table().to_csv(tmp, index=False)
    print(f"table: {stem}")
    if len(comparisons) > 1:
        raw = np.array([c.ard for c in comparisons])
        res = np.array([c.ard_rescaled for c in comparisons])
        print(f"ARD over runs: P50 {np.median(raw):.4f} (P10-P90 {np.percentile(raw, 10):.4f}-"
              f"{np.percentile(raw, 90):.4f}); rescaled P50 {np.median(res):.4f}")
        print(f"ARD {np.median(raw):.4f} rescaled {np.median(res):.4f}")
    else:
        print(ard_line(first))
    return 0
