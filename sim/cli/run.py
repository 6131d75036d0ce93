"""``idlib-sim run``: one scenario, one seed; writes results/<scenario>/<run-id>.nc, prints a summary."""

from __future__ import annotations

from pathlib import Path

from sim.cli.common import add_command, add_out, add_quiet, add_seed, check_folder, progress


def add_parser(subparsers):
    p = add_command(subparsers, "run", "run a scenario and write results/<scenario>/<run-id>.nc",
                    "idlib-sim run scenarios/idlib_full_assault.yaml --seed 3")
    p.add_argument("scenario", help="scenario YAML file (see scenarios/)")
    add_seed(p)
    add_out(p)
    add_quiet(p)
    return p


def run(args) -> int:
    import sim
    from sim.report.console import print_summary
    from sim.world.scenarios import load_scenario

    sc = load_scenario(args.scenario)
    out = Path(args.out)
    check_folder(out, "--out")
    with progress(sc.name, sc.days, "day", quiet=args.quiet) as bar:
        ds = sim.run(sc, seed=args.seed, out_dir=out, on_day=bar.day)
    print_summary(ds)
    return 0
