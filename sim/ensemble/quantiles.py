"""Ensemble statistics: P10/P50/P90 of every series over the members, as a dataset."""

from __future__ import annotations

from pathlib import Path

import xarray as xr

from sim.io.atomic import atomic_path

QUANTILES = (0.1, 0.5, 0.9)


def ensemble_quantiles(ds: xr.Dataset, q: tuple[float, ...] = QUANTILES) -> xr.Dataset:
    """P10/P50/P90 (by default) of every numeric series over the ``run`` dimension."""
    numeric = [v for v in ds.data_vars if "run" in ds[v].dims and ds[v].dtype.kind in "fiu"]
    out = ds[numeric].chunk({"run": -1}).quantile(list(q), dim="run", skipna=False)
    for v in numeric:
        out[v].attrs = dict(ds[v].attrs)
    out.attrs = dict(ds.attrs)
    out.encoding = {}
    band = ds.attrs.get("ensemble_band", "household randomness only: every member has the "
                        "same parameters (fixed)")
    out.attrs["statistic"] = f"quantiles over ensemble members (dimension 'quantile'); {band}"
    out.attrs["ensemble_band"] = band
    return out


def write_stats(ds: xr.Dataset, path: Path) -> Path:
    with atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4")
    return path
