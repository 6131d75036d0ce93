"""The ``idlib-sim`` command: one sub-parser per command module, and the error display.

Each command is a module of this package with ``add_parser(subparsers)`` (returning its
sub-parser) and ``run(args)`` (returning the exit code); adding a command is one line in
:data:`COMMANDS`. Bad input of any kind ends with one line on stderr naming the field and the
fix, exit 2. Command modules import heavy libraries only inside ``run``, so ``idlib-sim
--help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

from sim.cli import (
    bench,
    bench_ensemble,
    calibrate,
    check,
    compare,
    explore,
    flee_import,
    flee_run,
    memo,
    new,
    plot,
    run,
    scenarios,
    sensitivity,
    sweep,
    validate,
)
from sim.cli.common import EXIT_BAD_INPUT, Parser

COMMANDS = (scenarios, new, run, check, compare, bench, bench_ensemble, sweep, sensitivity, validate,
            calibrate, plot, memo, flee_run, flee_import, explore)
"""In the order ``idlib-sim --help`` lists them."""

EXAMPLES = """\
examples:
  idlib-sim scenarios           (what there is to run)
  idlib-sim run scenarios/idlib_full_assault.yaml --seed 3
  idlib-sim memo scenarios/idlib_full_assault.yaml --members 20
  idlib-sim run --help          (every command has its own help and examples)
"""


class _Version(argparse.Action):
    """``--version``: the version is looked up only when asked (importlib.metadata, ~30 ms)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help=None):  # noqa: A002  (argparse's name)
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        import sim

        print(f"idlib-sim {sim.__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    p = Parser(prog="idlib-sim", description="Displacement scenario simulator for Idlib (Mesa ABM).",
               epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action=_Version, help="print the version and exit")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub).set_defaults(func=command.run)
    return p


def main(argv: list[str] | None = None) -> int:
    from sim.cli.interrupts import Interrupted, handled
    from sim.errors import InputError

    with handled() as guard:      # first, so a Ctrl-C at any moment gets the one-line exit
        try:
            args = build_parser().parse_args(argv)
            args.interrupts = guard
            return args.func(args)
        except InputError as exc:
            sys.stderr.write(f"idlib-sim: error: {exc}\n")
            return EXIT_BAD_INPUT
        except Interrupted as exc:
            return guard.stopped(exc)
        except BrokenPipeError:       # e.g. 'idlib-sim scenarios | head': the reader has gone
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except KeyboardInterrupt:     # handlers not installed (not the main thread)
            return guard.stopped(Interrupted(signal.SIGINT))
        except Exception:
            # The signal landed inside a library that caught our Interrupted and raised its own
            # error (pydantic-core wraps it in a SchemaError while it builds a schema).
            if guard.signum is None:
                raise
            return guard.stopped(Interrupted(guard.signum))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
