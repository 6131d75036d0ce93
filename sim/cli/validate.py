"""``idlib-sim validate``: load or run, compare with observed figures, print, write CSV and plot."""

from __future__ import annotations

from pathlib import Path

from sim.cli.common import add_command, add_out, add_seed, add_workers, keep_runs_in, positive_int
from sim.cli.sweep import add_parameter_uncertainty, posterior_choice


def add_parser(subparsers):
    p = add_command(subparsers, "validate",
                    "compare a run, ensemble or scenario with observed figures",
                    "idlib-sim validate scenarios/hindcast_2019_hama_idlib.yaml "
                    "scenarios/observed/observed_2019_offensive.csv\n"
                    "idlib-sim validate results/<scenario>/<run>.nc OBSERVED.csv")
    p.add_argument("target", help="a run or combined ensemble (.nc) or a scenario (.yaml)")
    p.add_argument("observed", help="observed figures CSV (see scenarios/observed/), or per-camp "
                   "counts for FLEE's ARD: a FLEE validation folder or a date,camp,people CSV "
                   "(docs/flee.md)")
    p.add_argument("--members", type=positive_int, default=8,
                   help="ensemble members when given a scenario (default: 8)")
    add_workers(p)
    add_seed(p, what="root seed of a scenario's ensemble")
    add_parameter_uncertainty(p)
    add_out(p, what="results folder for a scenario's ensemble")
    return p


def open_results(path: Path):
    """A run or combined ensemble NetCDF, checked to be one of ours."""
    from sim.analysis.validate import check_dataset
    from sim.errors import InputError
    from sim.io.results import open_netcdf

    if not path.is_file():
        raise InputError("file not found", where=str(path))
    ds = open_netcdf(path)
    check_dataset(ds, str(path))
    return ds


def run(args) -> int:
    import numpy as np
    from rich.console import Console
    from rich.table import Table

    from sim.analysis.validate import compare, coverage, mean_relative_difference, table
    from sim.cli.flee import is_camp_observations, validate_camps
    from sim.io.atomic import atomic_path
    from sim.io.observed import load_observed
    from sim.report.plots.validation import observed_vs_simulated
    from sim.world.geography import load_geography

    if is_camp_observations(args.observed):   # per-camp counts: FLEE's ARD (docs/flee.md)
        return validate_camps(args)
    target = Path(args.target)
    if target.suffix in (".yaml", ".yml"):
        from sim.ensemble.sweep import ensemble_folder, ensemble_plan, run_ensemble
        from sim.world.scenarios import load_scenario

        sc = load_scenario(target)
        geo = load_geography(sc.region)
        rows = load_observed(args.observed, geo)          # check the CSV before running
        keep_runs_in(args, ensemble_folder(args.out, ensemble_plan(target, args.members, args.seed,
                                                                   posterior=posterior_choice(args))))
        ds = run_ensemble(target, args.members, workers=args.workers, out_dir=args.out,
                          root_seed=args.seed, posterior=posterior_choice(args))
        folder = Path(args.out) / sc.name / "validation"
    else:
        ds = open_results(target)
        geo = load_geography(ds.attrs.get("region", "idlib"))
        rows = load_observed(args.observed, geo)
        folder = target.parent / "validation"
    comparisons = compare(ds, rows, geo)
    tab = table(comparisons)
    mrd = mean_relative_difference(comparisons)
    runs = ds.sizes.get("run", 1)
    t = Table(title=f"{ds.attrs.get('scenario_name', '')} vs {Path(args.observed).name} "
                    f"({runs} run{'s' if runs > 1 else ''})")
    for col in ("window", "measure", "area", "observed", "sim P50", "P10-P90", "rel. error"):
        t.add_column(col, justify="right" if col not in ("window", "measure", "area") else "left")
    for r in tab.itertuples():
        if np.isnan(r.sim_p50):
            t.add_row(r.window, r.measure, r.area, f"{r.observed:,.0f}", "not covered", "", "")
        else:
            t.add_row(r.window, r.measure, r.area, f"{r.observed:,.0f}", f"{r.sim_p50:,.0f}",
                      f"{r.sim_p10:,.0f}-{r.sim_p90:,.0f}", f"{r.relative_error:+.0%}")
    Console(width=max(Console().width, 130)).print(t)
    covered = int(tab["sim_p50"].notna().sum())
    print(f"mean relative difference |sim - obs| / obs over {covered} covered rows: {mrd:.0%}")
    if runs > 1:
        band = ds.attrs.get("ensemble_band", "household randomness only (an ensemble from "
                            "before posterior-predictive runs, or a folder of runs)")
        print(f"band P10-P90 over {runs} runs: {band}")
        print(coverage(comparisons).sentence())
    stem = folder / Path(args.observed).stem
    with atomic_path(stem.with_suffix(".csv")) as tmp:
        tab.to_csv(tmp, index=False)
    observed_vs_simulated(tab, stem, f"Observed vs simulated: {ds.attrs.get('scenario_name', '')}",
                          runs)
    print(f"table: {stem.with_suffix('.csv')}; plot: {stem}.png")
    return 0
