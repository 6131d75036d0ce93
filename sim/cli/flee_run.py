"""``idlib-sim flee-run``: convert, run and score a FLEE 3.x case as FLEE does (ARD)."""

from __future__ import annotations

from sim.cli.common import add_command, add_out, add_quiet, non_negative_int


def add_parser(subparsers):
    p = add_command(subparsers, "flee-run", "convert, run and score a FLEE 3.x case (ARD)",
                    "idlib-sim flee-run tests/data/flee/alpha/input_csv "
                    "--validation tests/data/flee/alpha/source_data")
    p.add_argument("input", metavar="FLEE_INPUT_DIR", help="FLEE input folder (input_csv/)")
    p.add_argument("--validation", required=True, metavar="FLEE_VALIDATION_DIR",
                   help="FLEE validation folder (source_data/ with data_layout.csv)")
    add_out(p)
    p.add_argument("--seed", type=non_negative_int, default=0, help="random seed (default: 0)")
    from sim.cli.flee import add_shared

    add_shared(p)
    add_quiet(p)
    return p


def run(args) -> int:
    from sim.cli.flee import flee_run

    return flee_run(args)
