"""``idlib-sim explore``: the what-if page, the model playing live in the browser.

    idlib-sim explore [SCENARIO.yaml] [--port 8765] [--host 127.0.0.1] [--no-browser]

Serves Mesa's SolaraViz page (:mod:`sim.report.explore`) on this machine only unless
another ``--host`` is asked for (then with a warning), and opens it in the browser.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

DEFAULT_SCENARIO = "scenarios/idlib_full_assault.yaml"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port; give 1-65535")
    return value


def add_parser(subparsers) -> argparse.ArgumentParser:
    from sim.cli.common import add_command
    from sim.report.explore.server import DEFAULT_PORT, LOOPBACK

    e = add_command(subparsers, "explore", "the what-if page: change settings and watch the "
                    "model play in the browser", "idlib-sim explore scenarios/idlib_full_assault.yaml --port 8765")
    e.add_argument("scenario", nargs="?", default=None,
                   help=f"scenario to start with (default: {DEFAULT_SCENARIO}); the other "
                   "scenarios in its folder are offered on the page too")
    e.add_argument("--port", type=_port, default=DEFAULT_PORT,
                   help=f"port to serve on (default: {DEFAULT_PORT})")
    e.add_argument("--host", default=LOOPBACK,
                   help=f"address to serve on (default: {LOOPBACK}, this machine only)")
    e.add_argument("--no-browser", action="store_true", help="do not open the page in a browser (default: open it)")
    e.add_argument("--out", default="results",
                   help="folder for the memos written from the page (default: results)")
    return e


def run(args) -> int:
    from sim.errors import InputError
    from sim.report.explore.server import assets_problem, check_host, serve
    from sim.world.scenarios import load_scenario

    scenario = Path(args.scenario or DEFAULT_SCENARIO)
    load_scenario(scenario)                      # a bad scenario fails here, before serving
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} exists and is not a folder; give a folder", field="--out")
    problem = assets_problem()
    if problem is not None:
        raise InputError(problem, field="explore")
    warning = check_host(args.host)
    if warning:
        sys.stderr.write(f"idlib-sim: {warning}\n")
    serve(scenario, host=args.host, port=args.port, open_browser=not args.no_browser,
          out_dir=out, say=lambda line: sys.stderr.write(line + "\n"))
    return 0
