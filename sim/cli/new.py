"""``idlib-sim new``: copy a scenario under a new name, to edit (comments kept)."""

from __future__ import annotations

from sim.cli.common import add_command


def add_parser(subparsers):
    p = add_command(subparsers, "new", "copy a scenario under a new name, to edit",
                    "idlib-sim new my_offensive --from idlib_southern_offensive\n"
                    "idlib-sim new border_2025 --from scenarios/idlib_border_open.yaml "
                    "--to my_scenarios/border_2025.yaml")
    p.add_argument("name", help="the new scenario's name: letters, digits, _ and - "
                   "(its results go to results/<name>/)")
    p.add_argument("--from", dest="template", required=True, metavar="SCENARIO",
                   help="scenario to copy: a YAML file or the name of one in scenarios/ "
                   "(required, no default)")
    p.add_argument("--to", default=None, metavar="FILE",
                   help="file to write (default: <name>.yaml beside the template)")
    return p


def run(args) -> int:
    from pathlib import Path

    from sim.config.catalogue import find_scenario
    from sim.io.scenario_copy import copy_scenario

    template = find_scenario(args.template)
    target = Path(args.to) if args.to else template.parent / f"{args.name}.yaml"
    path = copy_scenario(template, args.name, target)
    print(f"written {path}: a copy of {template} named {args.name}; edit it, then "
          f"'idlib-sim check {path}' and 'idlib-sim run {path}'")
    return 0
