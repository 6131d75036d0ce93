"""``idlib-sim check``: validate a scenario (schema and places) without running it."""

from __future__ import annotations

from sim.cli.common import add_command


def add_parser(subparsers):
    p = add_command(subparsers, "check", "validate a scenario file without running it",
                    "idlib-sim check scenarios/idlib_border_open.yaml")
    p.add_argument("scenario", help="scenario YAML file (see scenarios/)")
    return p


def run(args) -> int:
    from sim.world.scenarios import load_scenario

    sc = load_scenario(args.scenario)
    print(f"{args.scenario}: OK ({sc.name}: {sc.days} days from {sc.start_date}, "
          f"{sc.population.total_people:,} people, {len(sc.conflict.axes)} axes)")
    return 0
