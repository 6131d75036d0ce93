"""Ensemble statistics: P10/P50/P90 of every series over the members, as a dataset."""

from __future__ import annotations

import xarray as xr

from sim.io.conventions import apply_conventions

QUANTILES = (0.1, 0.5, 0.9)


def ensemble_quantiles(ds: xr.Dataset, q: tuple[float, ...] = QUANTILES) -> xr.Dataset:
    """P10/P50/P90 (by default) of every numeric series over the ``run`` dimension."""
    numeric = [v for v in ds.data_vars if "run" in ds[v].dims and ds[v].dtype.kind in "fiu"]
    out = ds[numeric].chunk({"run": -1}).quantile(list(q), dim="run", skipna=False)
    for v in numeric:
        out[v].attrs = dict(ds[v].attrs)
        if "flag_values" in out[v].attrs:     # a quantile of a 0/1 flag is a share, not a flag
            for key in ("flag_values", "flag_meanings"):
                out[v].attrs.pop(key)
            out[v].attrs["long_name"] += " (0 or 1 in each member; here its quantile over the members)"
    out.attrs = dict(ds.attrs)
    out.encoding = {}
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
