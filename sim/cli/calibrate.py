"""``idlib-sim calibrate``: fit behaviour parameters to observed figures (ABC over a sweep)."""

from __future__ import annotations

from pathlib import Path

from sim.cli.common import (
    add_backend,
    add_command,
    add_out,
    add_seed,
    add_workers,
    keep_runs_in,
    positive_int,
)


def add_parser(subparsers):
    p = add_command(subparsers, "calibrate",
                    "fit behaviour parameters to observed figures (ABC)",
                    "idlib-sim calibrate scenarios/hindcast_2019_hama_idlib.yaml "
                    "scenarios/observed/observed_2019_offensive.csv \\\n"
                    "    --params behaviour.flee_propensity=1:10 "
                    "behaviour.danger_tolerance=0.05:0.6 --scale 0.2")
    p.add_argument("scenario", help="scenario YAML covering the observed windows")
    p.add_argument("observed", help="observed figures CSV (see scenarios/observed/)")
    p.add_argument("--params", nargs="+", required=True, metavar="PATH=LOW:HIGH",
                   help="parameters and prior ranges, e.g. behaviour.flee_propensity=1.5:6 "
                   "(required, no default)")
    p.add_argument("--samples", type=positive_int, default=64,
                   help="Latin hypercube points (default: 64)")
    p.add_argument("--members", type=positive_int, default=2, help="seeds per point (default: 2)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="population scale for speed, in (0, 1]; counts are rescaled (default: 1)")
    p.add_argument("--accept", type=float, default=0.1,
                   help="share of points accepted (default: 0.1)")
    add_seed(p, default=0, what="seed of the Latin hypercube and of the members")
    add_workers(p)
    add_backend(p)
    add_out(p)
    return p


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

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
    keep_runs_in(args, Path(args.out) / plan.spec.name)
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
