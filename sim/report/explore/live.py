"""Reading a playing model without slowing it: one Dataset per day, the map drawn elsewhere.

:class:`Snapshot` builds the run's Dataset once per simulated day (between two days, never
in the middle of one) for every view to share. :class:`MapMaker` draws the flow map in a
separate process: a map takes about 1.5 s of matplotlib, which in the server's own process
would hold Python's interpreter lock away from the model for most of that time.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sim.io.dataset import to_dataset
from sim.io.results import Runs
from sim.report.explore import views

log = logging.getLogger(__name__)


class Snapshot:
    """The playing model's Dataset, built once per simulated day and shared by the views."""

    def __init__(self):
        self._lock = threading.Lock()
        self._key = None
        self._runs: Runs | None = None

    def of(self, model) -> Runs | None:
        """The run so far (None before the first day); ``model`` is a ``WhatIfModel``."""
        with self._lock:
            return model.read(self._refresh)

    def _refresh(self, model) -> Runs | None:
        if model.day < 0:
            return None
        key = (id(model), model.day)
        if key != self._key:
            self._runs, self._key = Runs(to_dataset(model)), key
        return self._runs


class WorkersStoppedError(RuntimeError):
    """The server is stopping: no worker process is started any more."""


_STOPPING = threading.Event()
"""Set once, when the server stops (:func:`stop_new_workers`): the process is about to exit."""


def stop_new_workers() -> None:
    """From now on no worker process starts: one still starting when the process exits finds
    its pool's semaphores gone and prints a traceback into the server's log."""
    _STOPPING.set()


def worker_pool() -> ProcessPoolExecutor:
    """One fresh worker process ("spawn": the server's threads are not copied into it)."""
    if _STOPPING.is_set():
        raise WorkersStoppedError("the server is stopping")
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))



class MapMaker:
    """Draws flow maps in a worker process, one at a time, newest request first.

    :meth:`request` returns the newest finished map ``(day index, PNG)`` and, if the key
    asked for is not drawn yet, has it drawn; keys asked for meanwhile are skipped to the
    latest. ``on_ready()`` is called (in a thread started by the first request) when a map
    is finished. While a run plays the maps take at most :attr:`DUTY` of one core.
    """

    DUTY = 0.5
    """After a map that took T seconds, the next starts no sooner than T (1 - DUTY) / DUTY later."""

    def __init__(self, draw=views.flow_map_png):
        self._draw = draw
        self._lock = threading.Lock()
        self._wanted = None         # (key, data, day index)
        self._done = None           # (key, day index, png)
        self._drawing = None        # key being drawn
        self._busy = False
        self._pool: ProcessPoolExecutor | None = None

    def request(self, key, data, day_index: int, on_ready) -> tuple[int, bytes] | None:
        with self._lock:
            if self._done is not None and self._done[0][0] != key[0]:
                self._done = None              # another model (after a Reset): not its map
            done = self._done
            drawn = done is not None and done[0] == key
            queued = key == self._drawing or (self._wanted is not None and self._wanted[0] == key)
            if not drawn and not queued:
                self._wanted = (key, data, day_index)
                if not self._busy:
                    self._busy = True
                    threading.Thread(target=self._work, args=(on_ready,), daemon=True).start()
            return None if done is None else (done[1], done[2])

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _work(self, on_ready) -> None:
        while True:
            with self._lock:
                job, self._wanted = self._wanted, None
                if job is None:
                    self._busy, self._drawing = False, None
                    return
                self._drawing = job[0]
                if self._pool is None:
                    try:
                        self._pool = worker_pool()
                    except WorkersStoppedError:      # the server is stopping: no more maps
                        self._busy, self._drawing = False, None
                        return
                pool = self._pool
            key, data, day_index = job
            try:
                png, seconds = pool.submit(_timed, self._draw, data, day_index).result()
            except BrokenProcessPool:   # its worker was stopped (the server stopping) or died
                log.warning("the flow map of day %d was not drawn: its worker process ended",
                            day_index + 1)
                with self._lock:
                    self._drawing, self._pool = None, None   # a new worker for the next map
                continue
            except Exception:           # noqa: BLE001 - a failed map must not stop the next ones
                log.exception("the flow map of day %d could not be drawn", day_index + 1)
                with self._lock:
                    self._drawing = None
                continue
            with self._lock:
                self._done, self._drawing = (key, day_index, png), None
            on_ready()
            time.sleep(seconds * (1 - self.DUTY) / self.DUTY)


def _timed(draw, *args):
    """``draw(*args)`` and the seconds it took (in the worker, without its start-up)."""
    start = time.perf_counter()
    return draw(*args), time.perf_counter() - start
