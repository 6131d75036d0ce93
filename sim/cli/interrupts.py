"""Ctrl-C and SIGTERM: stop within seconds, keep every finished run, say so in one line.

The handlers live in the parent CLI process only; workers never see SIGINT (the backends
fork them with it blocked, :mod:`sim.ensemble.backends`). The first SIGINT or SIGTERM raises
:class:`Interrupted` wherever the parent is; the backends stop on the way out (queued runs
cancelled, running workers terminated, a Dask cluster closed) and :func:`main` prints one line
and exits with 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. Finished runs are
already on disk under their final names (written atomically), a run in flight was never
written, so running the same command again resumes.

A second signal, or a stop still going after :data:`GRACE_S`, kills every child process and
exits at once (``os._exit``): nothing more is cleaned up, which is what a second Ctrl-C asks.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_S = 7.0
"""Seconds from the first signal to the forced exit, so the whole stop stays under 10 s."""
CHILD_WAIT_S = 2.0
"""How long terminated child processes get before they are killed."""


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM received: unwinds the parent like Ctrl-C's KeyboardInterrupt."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class Guard:
    """One command's handling of interrupts: what it keeps, and the one line it prints.

    A command that writes runs into a sweep folder says so with :meth:`keep_runs_in` before it
    starts them; the line then counts the finished runs found there.
    """

    def __init__(self) -> None:
        self.runs_folder: Path | None = None
        self.signum: int | None = None
        """The signal that interrupted the command, once one has."""
        self._lock = threading.Lock()
        self._reported = False

    def keep_runs_in(self, folder: str | Path) -> None:
        self.runs_folder = Path(folder)

    def message(self, name: str, *, forced: bool = False) -> str:
        how = f"interrupted ({name}){'; stopped at once' if forced else ''}"
        if self.runs_folder is None:
            return f"idlib-sim: {how}; nothing unfinished was written; run the same command again"
        n = sum(1 for f in self.runs_folder.rglob("*.nc") if f.parent.name == "runs")
        return (f"idlib-sim: {how}; {n} finished run{'' if n == 1 else 's'} kept in "
                f"{self.runs_folder}; run the same command again to resume")

    def report(self, name: str, *, forced: bool = False) -> None:
        """Print the line once, whoever gets here first (the main thread or the watchdog)."""
        with self._lock:
            if self._reported:
                return
            self._reported = True
        with suppress(Exception):
            sys.stderr.write(self.message(name, forced=forced) + "\n")
            sys.stderr.flush()

    def stopped(self, exc: Interrupted) -> int:
        """After the command has unwound: end what is left of its children, print, give the code."""
        stop_children(spare_tracker=True)
        self.report(exc.name)
        return exc.exit_code

    def exit_now(self, signum: int) -> None:
        """A second signal or a stop past the grace time: kill the children, exit at once."""
        stop_children(spare_tracker=False, wait_s=0.5)
        self.report(signal.Signals(signum).name, forced=True)
        os._exit(128 + signum)


@contextmanager
def handled() -> Iterator[Guard]:
    """Install the handlers for the block (main thread only; elsewhere Python's defaults stay).

    After an interruption the handlers for a second signal and the grace timer stay on: the
    process is expected to exit, and they bound the time its exit takes.
    """
    guard = Guard()
    if threading.current_thread() is not threading.main_thread():
        yield guard
        return
    import psutil  # noqa: F401 - now: a signal landing inside this import would find it half-made

    previous = {s: signal.getsignal(s) for s in SIGNALS}
    previous_hook = sys.unraisablehook
    interrupted = False
    timer: threading.Timer | None = None

    def again(signum, frame):
        guard.exit_now(signum)

    def first(signum, frame):
        nonlocal interrupted, timer
        interrupted = True
        guard.signum = signum
        for s in SIGNALS:
            signal.signal(s, again)
        _quieten()
        timer = threading.Timer(GRACE_S, guard.exit_now, args=(signum,))
        timer.daemon = True
        timer.start()
        raise Interrupted(signum)

    def swallowed(unraisable):
        """The signal landed where Python cannot raise - a weakref callback (importlib's module
        locks use one), a ``__del__`` - and Python would print a traceback and carry on. Arm the
        handler again and deliver the same signal a moment later, outside that callback."""
        nonlocal interrupted
        if not isinstance(unraisable.exc_value, Interrupted):
            return previous_hook(unraisable)
        if timer is not None:
            timer.cancel()
        interrupted = False
        guard.signum = None
        for s in SIGNALS:
            signal.signal(s, first)
        resend = threading.Timer(0.01, signal.pthread_kill,
                                 args=(threading.main_thread().ident, unraisable.exc_value.signum))
        resend.daemon = True
        resend.start()

    for s in SIGNALS:
        signal.signal(s, first)
    sys.unraisablehook = swallowed
    try:
        yield guard
    finally:
        if not interrupted:
            for s, handler in previous.items():
                signal.signal(s, handler)
            sys.unraisablehook = previous_hook


def _quieten() -> None:
    """Nothing but our one line from now on: libraries log and warn while they shut down
    (Dask's nanny about workers it is stopping, for instance)."""
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def stop_children(*, spare_tracker: bool, wait_s: float = CHILD_WAIT_S) -> None:
    """Terminate (then kill) every process this one started, and their children.

    Multiprocessing's resource tracker is spared on a normal exit: this process still tells it
    which semaphores it has released, and it exits by itself once this process has gone.
    """
    try:
        import psutil

        children = psutil.Process().children(recursive=True)
    except Exception:  # noqa: BLE001 - nothing to stop, or no way to see it
        return
    trackers = [p for p in children if _is_resource_tracker(p)]
    children = [p for p in children if p not in trackers]
    if not spare_tracker:          # first, or it complains about what the others leave
        children = trackers + children
    for p in children:
        with suppress(psutil.Error):
            (p.terminate if wait_s > 0.5 else p.kill)()
    with suppress(Exception):
        _, alive = psutil.wait_procs(children, timeout=wait_s)
        for p in alive:
            with suppress(psutil.Error):
                p.kill()
        psutil.wait_procs(alive, timeout=1.0)


def _is_resource_tracker(proc) -> bool:
    try:
        return "multiprocessing.resource_tracker" in " ".join(proc.cmdline())
    except Exception:  # noqa: BLE001 - gone already
        return False
