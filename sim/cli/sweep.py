"""``idlib-sim sweep``: run an ensemble or parameter sweep (resumable), with progress."""

from __future__ import annotations

from pathlib import Path

from sim.cli.common import (
    add_backend,
    add_command,
    add_out,
    add_quiet,
    add_workers,
    check_folder,
    keep_runs_in,
    note,
    progress,
)


def add_parameter_uncertainty(p) -> None:
    """Whether ensemble members draw their parameters from a posterior (shared by the
    commands that run ensembles: sweep, memo, validate, bench-ensemble)."""
    which = p.add_mutually_exclusive_group()
    which.add_argument("--fixed-parameters", action="store_true",
                       help="every member keeps the scenario's parameters, so the P10-P90 band "
                       "shows household randomness only (default: posterior predictive, each "
                       "member draws its parameters from the posterior)")
    which.add_argument("--posterior", default=None, metavar="NAME|CSV",
                       help="posterior the members draw from: a shipped name "
                       "(sim/data/posterior/) or a posterior CSV (default: the shipped "
                       "abc_smc_2018_2019 for the idlib region; none for other regions)")


def posterior_choice(args):
    """``--fixed-parameters`` / ``--posterior`` as the ``posterior`` argument of the library."""
    if getattr(args, "fixed_parameters", False):
        return None
    return getattr(args, "posterior", None) or "default"


def add_parser(subparsers):
    p = add_command(subparsers, "sweep", "run an ensemble or parameter sweep (resumable)",
                    "idlib-sim sweep scenarios/sweeps/full_assault_ensemble.yaml --workers 2\n"
                    "idlib-sim sweep scenarios/sweeps/border_and_behaviour.yaml "
                    "--scheduler tcp://scheduler-host:8786")
    p.add_argument("sweep", help="sweep YAML file (see scenarios/sweeps/)")
    add_workers(p)
    add_backend(p)
    add_out(p)
    add_parameter_uncertainty(p)
    add_quiet(p)
    return p


def run(args) -> int:
    from sim.ensemble.plan import load_sweep
    from sim.ensemble.sweep import run_sweep

    plan = load_sweep(args.sweep, posterior=posterior_choice(args))
    out = Path(args.out)
    check_folder(out, "--out")
    keep_runs_in(args, out / plan.spec.name)
    backend = (f"Dask scheduler {args.scheduler}" if args.scheduler else
               "local Dask cluster" if args.dask_local else "local process pool")
    note(f"sweep [bold]{plan.spec.name}[/bold]: {len(plan.points)} points x "
         f"{len(plan.seeds)} members = {plan.n_runs} runs on {backend}; band: {plan.band}")
    with progress(plan.spec.name, plan.n_runs, "run", quiet=args.quiet, failures=True,
                  transient=False) as bar:
        result = run_sweep(plan, out, workers=args.workers, scheduler=args.scheduler,
                           dask_local=args.dask_local, on_progress=bar.runs)
    print(f"{result.finished} runs finished, {result.skipped} already done, "
          f"{len(result.failed)} failed, in {result.seconds:.1f} s -> {result.folder}")
    for rec in result.failed:
        print(f"  FAILED {rec['run_id']} seed {rec['seed']} params {rec['params']}: {rec['error']}")
    if result.combined:
        print(f"combined dataset: {result.combined}")
    if result.stats:
        print(f"ensemble P10/P50/P90: {result.stats}")
    return 1 if result.failed else 0
