"""Build, summarise and write a run's Dataset without xarray importing dask to ask about it.

Where dask is installed (it is a dependency, for the Dask back-end), xarray asks of every
array it wraps whether it is a dask array, and of every file it writes which dask scheduler is
running; to answer, it imports ``dask.array`` and ``dask.distributed``: about 0.7 s of every
``idlib-sim run`` and of each ensemble worker's first run, for arrays that are NumPy's. A
process that has not imported dask holds no dask array and runs no dask scheduler, so while it
builds and writes a run the answer is "no" without the import: :func:`numpy_arrays_only`
makes ``import dask.array`` and ``import distributed`` fail for the time of the block (xarray
reads that as "no dask arrays, no distributed scheduler") and forgets xarray's cached answer afterwards, so dask works as before outside the
block (ensemble quantiles, the Dask back-end). In a process that has imported dask already the
block changes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

HIDDEN = ("dask.array", "distributed")
"""Hidden during the block: xarray's questions then stop at dask's light core (``dask.base``);
``dask.distributed`` imports ``distributed``."""


@contextmanager
def numpy_arrays_only() -> Iterator[None]:
    """Within the block, xarray treats dask as not installed, unless dask is imported already."""
    if any(name in sys.modules for name in HIDDEN):   # a Dask worker, or after an ensemble
        yield
        return
    from xarray.namedarray import pycompat

    cache = getattr(pycompat, "_cached_duck_array_modules", None)
    if not isinstance(cache, dict):   # another xarray: its answer could not be forgotten
        yield
        return
    for name in HIDDEN:
        sys.modules[name] = None      # importing it raises ImportError (Python's documented way)
    try:
        yield
    finally:
        for name in HIDDEN:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
        cache.pop("dask", None)
