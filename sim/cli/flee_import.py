"""``idlib-sim flee-import``: a FLEE 3.x case as a region folder and a scenario YAML to edit."""

from __future__ import annotations

from sim.cli.common import add_command, non_negative_int


def add_parser(subparsers):
    p = add_command(subparsers, "flee-import", "convert a FLEE 3.x case into a region folder "
                    "and a scenario YAML", "idlib-sim flee-import tests/data/flee/alpha/input_csv "
                    "--out regions/alpha")
    p.add_argument("input", metavar="FLEE_INPUT_DIR", help="FLEE input folder (input_csv/)")
    p.add_argument("--out", required=True, help="region folder to write, e.g. regions/mali2012")
    p.add_argument("--validation", default=None, metavar="FLEE_VALIDATION_DIR",
                   help="FLEE validation folder: the scenario then runs in spawning mode "
                   "(default: none, flight mode)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="the scenario's seed (default: 0)")
    from sim.cli.flee import add_shared

    add_shared(p)
    return p


def run(args) -> int:
    from sim.cli.flee import flee_import

    return flee_import(args)
