"""``idlib-sim memo``: the planning memo (PDF, Markdown, PNG, CSV) of an ensemble or of results."""

from __future__ import annotations

from pathlib import Path

from sim.cli.common import (
    add_command,
    add_out,
    add_quiet,
    add_seed,
    add_workers,
    check_folder,
    keep_runs_in,
    positive_int,
    progress,
)
from sim.cli.sweep import add_parameter_uncertainty, posterior_choice


def add_parser(subparsers):
    p = add_command(subparsers, "memo", "write the planning memo (PDF, Markdown, PNG, CSV)",
                    "idlib-sim memo scenarios/idlib_full_assault.yaml --members 20\n"
                    "idlib-sim memo results/idlib_full_assault/ --needs my_needs.yaml")
    p.add_argument("scenario", help="scenario YAML (runs or reuses an ensemble), or a "
                   "results .nc file or folder")
    p.add_argument("--members", type=positive_int, default=20,
                   help="ensemble members; finished members are reused (default: 20)")
    p.add_argument("--needs", default=None, help="YAML overriding the Sphere minimums, keys as "
                   "in sim/data/sphere_defaults.yaml (default: the Sphere minimums)")
    add_workers(p)
    add_seed(p, what="root seed of the ensemble")
    add_parameter_uncertainty(p)
    p.add_argument("--dpi", type=positive_int, default=200, help="PNG resolution (default: 200)")
    add_out(p, default=None, shown="results; for a results file or folder: next to it",
            what="output folder; the memo goes to <out>/<scenario>/memo, or <out>/memo for a "
                 "results file")
    add_quiet(p)
    return p


def run(args) -> int:
    from sim.analysis.needs import load_needs
    from sim.io.results import open_results
    from sim.report.memo import write_memo

    needs = load_needs(args.needs)            # a bad --needs file fails before any run
    src = Path(args.scenario)
    if src.suffix == ".nc" or src.is_dir():
        ds = open_results(src)          # an ensemble's series are read as the memo uses them
        memo_dir = (Path(args.out) if args.out else src if src.is_dir() else src.with_suffix("")) / "memo"
    else:
        ds, memo_dir = _ensemble(args, src)
    check_folder(memo_dir.parent, "--out")
    path = write_memo(ds, memo_dir, needs, dpi=args.dpi)
    print(f"memo written: {path / 'memo.pdf'} (and memo.md, figures, CSV tables in {path}/)")
    return 0


def _ensemble(args, scenario: Path):
    """Run (or reuse) the ensemble a memo needs; return it and the memo's folder."""
    from sim.ensemble.sweep import ensemble_folder, ensemble_plan, run_ensemble
    from sim.world.scenarios import load_scenario

    sc = load_scenario(scenario)
    out = Path(args.out or "results")
    check_folder(out, "--out")
    keep_runs_in(args, ensemble_folder(out, ensemble_plan(scenario, args.members, args.seed)))
    with progress(f"{sc.name} ensemble", args.members, "run", quiet=args.quiet) as bar:
        ds = run_ensemble(scenario, args.members, workers=args.workers, out_dir=out,
                          root_seed=args.seed, on_progress=bar.runs,
                          posterior=posterior_choice(args))
    return ds, out / sc.name / "memo"
