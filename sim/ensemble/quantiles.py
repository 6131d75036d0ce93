"""Ensemble statistics: P10/P50/P90 of every series over the members, as a dataset.

The combined file is read a block at a time (every member's stored chunk of a few days:
:class:`~sim.io.sweep_folder.CombinedBlocks`), so the members are never in memory whole; the
quantiles themselves (three times one run's series, about 220 MB at full scale and 180 days,
twenty times that over the 3,650 days a scenario may run) go, given a ``scratch`` folder, to
files mapped into memory there, which the system keeps in memory only as far as it has room,
until the dataset is written. (Writing, xarray's CF encoding still copies one variable at a
time: on a 32-member file at 180 days the peak of anonymous memory fell from 667 to 452 MB.)
Each block is sorted along the members once, and each quantile interpolated between two
of its order statistics exactly as ``np.quantile(method="linear")`` does, operation for
operation: the same numbers to the last bit (tests/test_quantiles.py). NumPy's own function
partitions every one of a block's million short columns on its own, about eight times the
work; through dask, xarray added thousands of small tasks (16 members: 8.9 s in all before,
about 3 s now, most of it decompressing the file).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from sim.io.conventions import apply_conventions
from sim.io.sweep_folder import CombinedBlocks

QUANTILES = (0.1, 0.5, 0.9)


def ensemble_quantiles(combined: CombinedBlocks, q: tuple[float, ...] = QUANTILES,
                       scratch: Path | None = None) -> xr.Dataset:
    """P10/P50/P90 (by default) of every numeric series over the ``run`` dimension; with a
    ``scratch`` folder, the series are held in files there (see the module), which must stay
    until the dataset is written."""
    ds = combined.dataset
    qs = np.asarray(q, dtype=np.float64)
    numeric = [v for v in ds.data_vars if "run" in ds[v].dims and ds[v].dtype.kind in "fiu"]
    out = xr.Dataset(coords={k: c for k, c in ds.coords.items() if "run" not in c.dims})
    values: dict[str, np.ndarray] = {}
    with np.errstate(invalid="ignore"):           # inf - inf in a block with infinities
        for v, days, block in combined.read_ahead(numeric):
            part = quantiles_over_members(block, qs)
            if block.ndim == 1:                      # [run]: the whole variable at once
                values[v] = part
                continue
            if v not in values:                      # [quantile, days, ...] of the whole run
                shape = (len(qs), ds.sizes[_not_run(ds[v])[0]], *block.shape[2:])
                values[v] = np.empty(shape, part.dtype) if scratch is None else \
                    np.lib.format.open_memmap(scratch / f"{len(values)}.npy", "w+", part.dtype, shape)
            values[v][:, days] = part
    for v in numeric:
        out[v] = xr.DataArray(values.pop(v), dims=("quantile", *_not_run(ds[v])),
                              attrs=dict(ds[v].attrs))
        if "flag_values" in out[v].attrs:     # a quantile of a 0/1 flag is a share, not a flag
            for key in ("flag_values", "flag_meanings"):
                out[v].attrs.pop(key)
            out[v].attrs["long_name"] += " (0 or 1 in each member; here its quantile over the members)"
    out = out.assign_coords(quantile=qs)
    out.attrs = dict(ds.attrs)
    band = ds.attrs.get("ensemble_band", "household randomness only: every member has the "
                        "same parameters (fixed)")
    out.attrs["statistic"] = f"quantiles over ensemble members (dimension 'quantile'); {band}"
    out.attrs["ensemble_band"] = band
    out["quantile"].attrs.update(long_name="probability of the quantile over the ensemble members",
                                 units="1", coverage_content_type="coordinate")
    if "id" in ds.attrs:
        out.attrs["id"] = f"{ds.attrs['id']}_quantiles"
    if "title" in ds.attrs:
        out.attrs["title"] = f"{ds.attrs['title']}: P{', P'.join(f'{x * 100:g}' for x in q)}"
    return apply_conventions(out)


def _not_run(da: xr.DataArray) -> tuple[str, ...]:
    """The dimensions of ``da`` other than ``run``, in order (as its blocks have them)."""
    return tuple(d for d in da.dims if d != "run")


def quantiles_over_members(values: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``np.quantile(values, q, axis=0)`` (method "linear", ``q`` an array) from one sort of
    ``values`` along its first axis: NumPy's virtual indices, their bounds, gamma and
    interpolation, operation for operation, and NaN where a column has one (a sort puts NaN
    last, as NumPy's partition does)."""
    ordered = np.sort(values, axis=0)
    n = ordered.shape[0]
    virtual = np.asanyarray((n - 1) * q)
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= n - 1
    previous[above], following[above] = -1, -1
    below = virtual < 0
    previous[below], following[below] = 0, 0
    if np.issubdtype(ordered.dtype, np.inexact):
        unknown = np.isnan(virtual)
        previous[unknown], following[unknown] = -1, -1
    previous, following = previous.astype(np.intp), following.astype(np.intp)
    gamma = np.asanyarray(np.asanyarray(virtual - previous), dtype=virtual.dtype)
    gamma = gamma.reshape(virtual.shape + (1,) * (ordered.ndim - 1))
    result = _lerp(ordered[previous], ordered[following], gamma)
    if np.issubdtype(ordered.dtype, np.inexact):
        having_nans = np.isnan(ordered[-1, ...])
        if np.any(having_nans):
            result[..., having_nans] = np.nan
    return result


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """NumPy's interpolation between ``a`` and ``b`` by ``t`` (numpy/lib/_function_base_impl.py:
    from ``b`` back for ``t >= 0.5``, so both ends are exact)."""
    diff_b_a = b - a
    out = np.add(a, diff_b_a * t, out=...)
    np.subtract(b, diff_b_a * (1 - t), out=out, where=t >= 0.5, casting="unsafe",
                dtype=type(out.dtype))
    return out
