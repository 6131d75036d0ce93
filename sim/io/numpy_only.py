"""Build, summarise and write a run's Dataset without xarray importing dask to ask about it,
and without a Dask cluster's lock for a file of one process (:func:`local_write_lock`).

Where dask is installed (it is a dependency, for the Dask back-end), xarray asks of every
array it wraps whether it is a dask array, and of every file it writes which dask scheduler is
running; to answer, it imports ``dask``, ``dask.array`` and ``dask.distributed``: about
0.8-0.9 s of every ``idlib-sim run`` and of each ensemble worker's first run, for arrays that
are NumPy's. A process that has not imported dask's arrays holds no dask array and runs no
dask scheduler, so while it builds and writes a run the answer is "no" without the import:
:func:`numpy_arrays_only` makes ``import dask`` (where dask's core is not loaded yet),
``import dask.array`` and ``import distributed`` fail for the time of the block (xarray reads
that as "dask is not installed": no dask arrays, no distributed scheduler) and forgets xarray's
cached answer afterwards, so dask works as before outside the block (ensemble quantiles, the
Dask back-end). In a process that has imported dask's arrays or its scheduler already the
block changes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

HIDDEN = ("dask", "dask.array", "distributed")
"""Hidden during the block, those not imported yet (``dask.distributed`` imports
``distributed``; dask's core alone costs 0.1-0.2 s)."""
HEAVY = HIDDEN[1:]
"""Once either is imported, the process may hold dask arrays or a scheduler: nothing hidden."""


@contextmanager
def numpy_arrays_only() -> Iterator[None]:
    """Within the block, xarray treats dask as not installed, unless dask's arrays or its
    scheduler are imported already."""
    if any(name in sys.modules for name in HEAVY):   # a Dask worker, or after an ensemble
        yield
        return
    from xarray.namedarray import pycompat, utils

    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    if not isinstance(cache, dict):   # another xarray: its answer could not be forgotten
        yield
        return
    # xarray remembers whether a module is installed (``module_available``, an lru_cache):
    # dask's core is hidden only where that answer can be forgotten on the way in and out.
    available = getattr(utils.module_available, "cache_clear", None)
    hidden = [name for name in HIDDEN
              if name not in sys.modules and (name != "dask" or available is not None)]
    for name in hidden:
        sys.modules[name] = None      # importing it raises ImportError (Python's documented way)
    if "dask" in hidden:
        available()
    try:
        yield
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
        cache.pop("dask", None)
        if "dask" in hidden:
            available()


@contextmanager
def local_write_lock() -> Iterator[None]:
    """Within the block, xarray writes a NetCDF file under a lock of this process, not one
    held by a Dask cluster.

    In a process that has a Dask client (a Dask worker; the parent of a Dask sweep), xarray
    guards every write to a NetCDF file with a ``distributed.Lock``: a request to the
    scheduler for each of the ~360 writes of a run's own temporary file, each taking the
    worker's event loop from the run and costing a Dask worker 0.5-1 s a full-scale run.
    A file written by one process needs no lock across the cluster; xarray takes a threading
    lock when dask's scheduler is set to threads, which is what the block sets (dask's
    configuration is the process's: a dask computation started by another thread during the
    block would run on threads too). Elsewhere (no ``distributed`` imported: no client to
    find) the block changes nothing and imports nothing.
    """
    dask = sys.modules.get("dask")
    if dask is None or "distributed" not in sys.modules:
        yield
        return
    with dask.config.set(scheduler="threads"):
        yield
