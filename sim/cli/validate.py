"""``idlib-sim validate``: load or run, compare with observed figures, print, write CSV and plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr
from rich.console import Console
from rich.table import Table

from sim.errors import InputError
from sim.io.atomic import atomic_path


def open_results(path: Path) -> xr.Dataset:
    from sim.analysis.validate import check_dataset
    from sim.io.results import open_netcdf

    if not path.is_file():
        raise InputError("file not found", where=str(path))
    ds = open_netcdf(path)
    check_dataset(ds, str(path))
    return ds


def cmd_validate(args) -> int:
    from sim.analysis.validate import compare, mean_relative_difference, table
    from sim.cli.flee import is_camp_observations, validate_camps
    from sim.io.observed import load_observed
    from sim.report.plots.validation import observed_vs_simulated
    from sim.world.geography import load_geography

    if is_camp_observations(args.observed):   # per-camp counts: FLEE's ARD (docs/flee.md)
        return validate_camps(args)
    target = Path(args.target)
    if target.suffix in (".yaml", ".yml"):
        from sim.ensemble.sweep import run_ensemble
        from sim.world.scenarios import load_scenario

        sc = load_scenario(target)
        geo = load_geography(sc.region)
        rows = load_observed(args.observed, geo)          # check the CSV before running
        ds = run_ensemble(target, args.members, workers=args.workers, out_dir=args.out)
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
    stem = folder / Path(args.observed).stem
    with atomic_path(stem.with_suffix(".csv")) as tmp:
        tab.to_csv(tmp, index=False)
    observed_vs_simulated(tab, stem, f"Observed vs simulated: {ds.attrs.get('scenario_name', '')}",
                          runs)
    print(f"table: {stem.with_suffix('.csv')}; plot: {stem}.png")
    return 0


def cmd_calibrate(args) -> int:
    from sim.analysis.calibrate import distances, posterior, write_outputs
    from sim.ensemble.calibration import calibration_plan
    from sim.ensemble.sweep import run_sweep
    from sim.io.observed import load_observed
    from sim.report.plots.calibration import posterior_plot
    from sim.world.geography import load_geography
    from sim.world.scenarios import load_scenario

    sc = load_scenario(args.scenario)
    geo = load_geography(sc.region)
    rows = load_observed(args.observed, geo)
    plan = calibration_plan(args.scenario, args.params, samples=args.samples,
                            members=args.members, scale=args.scale, seed=args.seed)
    print(f"calibrating {', '.join(plan.parameter_names)} on {len(rows)} observed rows: "
          f"{len(plan.points)} points x {len(plan.seeds)} members at scale {args.scale:g}")
    result = run_sweep(plan, args.out, workers=args.workers, scheduler=args.scheduler,
                       dask_local=args.dask_local)
    points = distances(plan.points, len(plan.seeds), result.folder, rows, geo, args.scale)
    ranges = {n: plan.spec.parameters[n].range for n in plan.parameter_names}
    post = posterior(points, plan.parameter_names, args.accept, ranges)
    paths = write_outputs(post, result.folder / "calibration")
    posterior_plot(post, result.folder / "calibration" / "posterior", sc.name)
    t = Table(title=f"ABC posterior ({post.summary['accepted'].iloc[0]} of "
                    f"{post.summary['of'].iloc[0]} points accepted)")
    for col in ("parameter", "prior", "mean", "sd", "P10-P90", "best"):
        t.add_column(col, justify="left" if col == "parameter" else "right")
    for r in post.summary.itertuples():
        t.add_row(r.parameter, f"{r.prior_low:g}-{r.prior_high:g}", f"{r.posterior_mean:.3g}",
                  f"{r.posterior_sd:.2g}", f"{r.p10:.3g}-{r.p90:.3g}", f"{r.best:.3g}")
    Console().print(t)
    print(f"best distance (RMS log difference): {post.summary['best_distance'].iloc[0]:.3f}")
    print("written: " + ", ".join(str(p) for p in paths))
    return 0
