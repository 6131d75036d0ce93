"""``idlib-sim calibrate``: fit behaviour parameters to observed figures (ABC-SMC over sweeps)."""

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
                    "fit behaviour parameters to observed figures (ABC-SMC)",
                    "idlib-sim calibrate scenarios/hindcast_2019_hama_idlib.yaml "
                    "scenarios/observed/observed_2019_offensive.csv \\\n"
                    "    --add scenarios/hindcast_2018_sept_idlib.yaml "
                    "scenarios/observed/observed_2019_offensive.csv \\\n"
                    "    --params behaviour.flee_propensity=1:10 "
                    "behaviour.danger_tolerance=0.05:0.6 --rounds 3 --scale 0.2")
    p.add_argument("scenario", help="scenario YAML covering the observed windows")
    p.add_argument("observed", help="observed figures CSV (see scenarios/observed/)")
    p.add_argument("--add", nargs=2, action="append", default=[], metavar=("SCENARIO", "OBSERVED"),
                   help="another scenario and its observed CSV, fitted together with the first "
                   "(repeatable; default: none)")
    p.add_argument("--params", nargs="+", required=True, metavar="PATH=LOW:HIGH",
                   help="parameters and prior ranges, e.g. behaviour.flee_propensity=1.5:6 "
                   "(required, no default)")
    p.add_argument("--rounds", type=positive_int, default=3,
                   help="ABC-SMC rounds; 1 is ABC rejection over a Latin hypercube (default: 3)")
    p.add_argument("--samples", type=positive_int, default=64,
                   help="proposals per round (default: 64)")
    p.add_argument("--members", type=positive_int, default=2, help="seeds per point (default: 2)")
    p.add_argument("--scale", type=float, default=1.0,
                   help="population scale for speed, in (0, 1]; counts are rescaled (default: 1)")
    p.add_argument("--accept", type=float, default=0.25,
                   help="share of each round's proposals accepted (default: 0.25)")
    add_seed(p, default=0, what="seed of the proposals and of the members")
    add_workers(p)
    add_backend(p)
    add_out(p)
    return p


def run(args) -> int:
    import shlex
    import sys

    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from sim.analysis.calibrate import Posterior
    from sim.ensemble.abc_smc import run_abc_smc, write_outputs
    from sim.report.plots.calibration import posterior_plot

    pairs = [(args.scenario, args.observed), *[tuple(a) for a in args.add]]
    console = Console(width=max(Console().width, 150))
    from sim.config.loading import read_scenario

    keep_runs_in(args, Path(args.out) / f"calibrate_{read_scenario(args.scenario).name}")
    result = run_abc_smc(pairs, args.params, rounds=args.rounds, samples=args.samples,
                         accept=args.accept, members=args.members, scale=args.scale,
                         seed=args.seed, out=args.out, workers=args.workers,
                         scheduler=args.scheduler, dask_local=args.dask_local,
                         on_round=lambda t, text: console.print(text))
    if result.stopped_at is not None:
        print(f"round {result.stopped_at}: {result.failed} runs failed (see the manifests in "
              f"{result.folder}/round-{result.stopped_at}/); re-run the same command to finish them")
        return 1
    command = "idlib-sim " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:] else ""
    settings = {k: getattr(args, k) for k in ("samples", "members", "scale", "accept", "seed")}
    paths = write_outputs(result, command or "idlib-sim calibrate", settings)
    summary = pd.read_csv(result.folder / "calibration" / "summary.csv")
    last = result.points[result.points["round"] == result.posterior.round]
    post = Posterior(list(result.prior.names), last, summary)
    method = ("ABC rejection over a Latin hypercube" if len(result.populations) == 1 else
              f"ABC-SMC, round {result.posterior.round} of {len(result.populations)}")
    posterior_plot(post, result.folder / "calibration" / "posterior",
                   " + ".join(t.name for t in result.targets), method=method)
    corr = pd.read_csv(result.folder / "calibration" / "correlations.csv", index_col=0)
    _print(console, Table, result, summary, corr)
    print("written: " + ", ".join(str(p) for p in paths))
    return 0


def _print(console, Table, result, summary, corr) -> None:
    pop = result.posterior
    t = Table(title=f"ABC-SMC posterior: {len(pop.weights)} particles (effective "
                    f"{pop.ess:.1f}), tolerance {pop.tolerance:.3f} after {len(result.populations)} round(s)")
    for col in ("parameter", "prior", "mean", "sd", "P10-P90", "sd/prior sd", "best"):
        t.add_column(col, justify="left" if col == "parameter" else "right")
    for r in summary.itertuples():
        t.add_row(r.parameter, f"{r.prior_low:g}-{r.prior_high:g}", f"{r.posterior_mean:.3g}",
                  f"{r.posterior_sd:.2g}", f"{r.p10:.3g}-{r.p90:.3g}",
                  f"{r.sd_over_prior_sd:.2f}", f"{r.best:.3g}")
    console.print(t)
    f = Table(title="In-sample fit: observed vs posterior predictive (accepted particles' runs)")
    for col in ("scenario", "window", "measure", "area", "observed", "sim P50", "P10-P90", "rel. error"):
        f.add_column(col, justify="left" if col in ("scenario", "window", "measure", "area") else "right")
    for r in result.fit.itertuples():
        f.add_row(r.scenario, r.window, r.measure, r.area, f"{r.observed:,.0f}",
                  f"{r.sim_p50:,.0f}", f"{r.sim_p10:,.0f}-{r.sim_p90:,.0f}",
                  f"{r.relative_error:+.0%}")
    console.print(f)
    if result.outside:
        print("not covered by any run (left out): " + ", ".join(f"{f} line {n}" for f, n in result.outside))
    print(result.coverage().sentence())
    pairs = [(abs(corr.iloc[i, j]), corr.index[i], corr.columns[j], corr.iloc[i, j])
             for i in range(len(corr)) for j in range(i + 1, len(corr))]
    if pairs:
        strongest = sorted(pairs, reverse=True)[:3]
        print("strongest posterior correlations: " + "; ".join(f"{a} ~ {b}: {c:+.2f}"
                                                                for _, a, b, c in strongest))
