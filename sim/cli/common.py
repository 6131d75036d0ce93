"""What every command shares, defined once: the parser class, the shared flags, the progress
bar and the check of an output folder.

Kept cheap to import: ``idlib-sim --help`` builds every command's parser, so nothing here
(or at the top of a command module) imports xarray, Dask, SALib, matplotlib or Mesa; rich is
imported when a bar is drawn.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

EXIT_BAD_INPUT = 2


class Parser(argparse.ArgumentParser):
    """argparse with the project's error style: one line on stderr naming the fix, exit 2."""

    def error(self, message: str):  # argparse would print the usage and the error
        where = f"idlib-sim {self.prog.split()[-1]} --help" if " " in self.prog else "idlib-sim --help"
        sys.stderr.write(f"idlib-sim: error: {message}; see '{where}'\n")
        raise SystemExit(EXIT_BAD_INPUT)


def add_command(subparsers, name: str, summary: str, example: str) -> argparse.ArgumentParser:
    """A command's sub-parser; its ``--help`` ends with ``example`` (one or more lines)."""
    lines = "\n".join(f"  {line}" for line in example.strip().splitlines())
    return subparsers.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".",
                                 epilog=f"example:\n{lines}\n",
                                 formatter_class=argparse.RawDescriptionHelpFormatter)


# --------------------------------------------------------------------------- value types


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} must be >= 0")
    return value


def positive_int(text: str) -> int:
    value = non_negative_int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be >= 1")
    return value


# --------------------------------------------------------------------------- shared flags


def add_seed(p: argparse.ArgumentParser, default: int | None = None,
             what: str = "random seed", shown: str = "the scenario's") -> None:
    p.add_argument("--seed", type=non_negative_int, default=default,
                   help=f"{what} (default: {shown if default is None else default})")


def add_out(p: argparse.ArgumentParser, default: str | None = "results",
            what: str = "output folder", shown: str | None = None) -> None:
    p.add_argument("--out", default=default, help=f"{what} (default: {shown or default})")


def add_quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quiet", action="store_true", help="no progress bar (default: show one)")


def add_workers(p: argparse.ArgumentParser, default: int | None = None) -> None:
    p.add_argument("--workers", type=positive_int, default=default,
                   help=f"parallel runs (default: {'all cores' if default is None else default})")


def add_backend(p: argparse.ArgumentParser) -> None:
    """Where the runs execute: a running Dask scheduler, a local Dask cluster, or (neither
    given) the local process pool."""
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default=None,
                       help="address of a running Dask scheduler, e.g. tcp://host:8786 "
                       "(default: none, the local process pool)")
    where.add_argument("--dask-local", action="store_true",
                       help="start a local Dask cluster with --workers workers "
                       "(default: the local process pool)")


# --------------------------------------------------------------------------- progress


class Progress:
    """A rich progress bar on stderr, updated from the library's progress callbacks."""

    def __init__(self, prog, task):
        self._prog, self._task = prog, task

    def day(self, day: int, days: int) -> None:
        """``on_day`` of :func:`sim.run`."""
        self._prog.update(self._task, completed=day, total=days)

    def runs(self, done: int, failed: int, total: int) -> None:
        """``on_progress`` of sweeps and ensembles: runs finished and failed of ``total``."""
        self._prog.update(self._task, completed=done + failed, failed=failed, total=total)


@contextmanager
def progress(description: str, total: int, unit: str, *, quiet: bool = False,
             failures: bool = False, transient: bool = True) -> Iterator[Progress]:
    """One bar: ``<description> [====  ] <unit> 3/15 0:00:02``; ``failures`` adds the count
    of failed runs and the time remaining."""
    from rich.console import Console
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.progress import Progress as RichProgress

    columns = [TextColumn("[bold]{task.description}"), BarColumn(),
               TextColumn(f"{unit} {{task.completed}}/{{task.total}}"), TimeElapsedColumn()]
    if failures:
        columns[3:3] = [TextColumn("[red]{task.fields[failed]} failed")]
        columns += [TextColumn("ETA"), TimeRemainingColumn()]
    with RichProgress(*columns, console=Console(stderr=True), disable=quiet,
                      transient=transient) as prog:
        yield Progress(prog, prog.add_task(description, total=total, failed=0))


def note(text: str) -> None:
    """A line for the user on stderr (rich markup), beside the progress bar, not the results."""
    from rich.console import Console

    Console(stderr=True).print(text, soft_wrap=True)   # one line stays one line


# --------------------------------------------------------------------------- folders


def keep_runs_in(args, folder: Path) -> None:
    """Tell the interrupt handler (:mod:`sim.cli.interrupts`) which sweep folder this command
    fills, so an interrupted command can say how many finished runs it kept there."""
    guard = getattr(args, "interrupts", None)
    if guard is not None:
        guard.keep_runs_in(folder)


def check_folder(folder: Path, flag: str) -> None:
    """``folder`` (or the nearest of its parents that exists) must be a folder, not a file."""
    from sim.errors import InputError

    for p in (folder, *folder.parents):
        if p.exists():
            if not p.is_dir():
                raise InputError(f"{p} exists and is not a folder; give a folder", field=flag)
            break
