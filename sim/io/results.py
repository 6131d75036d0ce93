"""Results files for figures and memos: load them, check they are ours, view runs alike.

A *run dataset* is what :func:`sim.run` returns (dims time, location, road, origin, group);
an *ensemble dataset* has an extra leading ``run`` dimension with a ``seed(run)``
coordinate. Everything downstream works on :class:`Runs`, which gives every series a leading
run axis (length 1 for a single run), so one code path draws both: single values for one
run ("single run, no uncertainty band"), median and P10-P90 for two or more.

Every check fails with :class:`sim.errors.InputError` (one line, exit 2 in the CLI).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sim.errors import InputError

REQUIRED_ATTRS = ("scenario_name", "scenario_sha256", "product_version", "scenario_json")
"""Global attributes every idlib-sim results file carries (sim/output.py)."""

REQUIRED_VARS = (
    "residents_present", "displaced_present", "in_camp", "in_host", "in_open",
    "waiting_at_border", "in_transit", "arrivals", "departures", "camp_occupancy",
    "camp_capacity", "host_capacity", "camp_overflow", "danger", "government_control",
    "road_flow", "cumulative_displaced", "crossed_border", "displaced_by_group",
    "displaced_by_origin",
)
REQUIRED_COORDS = ("time", "location", "lat", "lon", "kind", "location_subdistrict_name", "road_from",
                   "road_to", "origin", "group")

# --------------------------------------------------------------------------- loading


def load_results(path: str | Path) -> xr.Dataset:
    """Open a run (``.nc``), an ensemble file, or a folder of run files, and check it.

    A folder is read as an ensemble: every ``*.nc`` in it (or in its ``runs/``) joined
    along ``run`` in file-name order.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found; give a results file written by 'idlib-sim run' "
                         "(results/<scenario>/<run-id>.nc)", where=str(path))
    if path.is_dir():
        if (path / "combined.nc").is_file():       # an ensemble folder of sim.ensemble.sweep
            return check_results(open_netcdf(path / "combined.nc"), where=str(path))
        files = sorted((path / "runs").glob("*.nc")) or sorted(
            f for f in path.glob("*.nc") if f.name != "stats.nc")
        if not files:
            raise InputError("no .nc results files in this folder", where=str(path))
        parts = [check_results(open_netcdf(f), where=str(f)) for f in files]
        shas = {p.attrs["scenario_sha256"] for p in parts}
        if len(shas) > 1:
            raise InputError("the folder mixes runs of different scenarios (scenario_sha256 "
                             "differs); keep one scenario's runs per folder", where=str(path))
        seeds = [int(p.attrs.get("seed", i)) for i, p in enumerate(parts)]
        ds = xr.concat(parts, dim="run", data_vars="all", coords="different",
                       compat="equals", join="exact", combine_attrs="override")
        ds = ds.assign_coords(run=np.arange(len(parts)), seed=("run", seeds))
        return check_results(ds, where=str(path))
    return check_results(open_netcdf(path), where=str(path))


def open_results(path: str | Path) -> xr.Dataset:
    """:func:`load_results`, except that an ensemble folder's ``combined.nc`` is opened lazily:
    its series are read from the file as they are used, and the file stays open. A memo of an
    ensemble reads a few series of every member; loading all of them first held ~85 MB a
    full-scale member (1.17 GB at 8 members against 0.80 GB lazily; the same memo)."""
    path = Path(path)
    if path.is_dir() and (path / "combined.nc").is_file():
        return check_results(open_netcdf(path / "combined.nc", load=False), where=str(path))
    return load_results(path)


def open_netcdf(path: Path, load: bool = True) -> xr.Dataset:
    """Read a NetCDF file into memory; anything unreadable is one-line bad input."""
    try:
        if not load:
            return xr.open_dataset(path)
        with xr.open_dataset(path) as ds:
            return ds.load()
    except Exception as exc:  # noqa: BLE001 - any reader failure means "not a results file"
        kind = type(exc).__name__
        raise InputError(f"not a NetCDF results file ({kind}); give a .nc file written by "
                         "'idlib-sim run'", where=str(path)) from None


def check_results(ds: xr.Dataset, where: str = "results") -> xr.Dataset:
    """Refuse datasets that are not idlib-sim output, are missing a variable, or are empty."""
    missing = [a for a in REQUIRED_ATTRS if a not in ds.attrs]
    if missing:
        raise InputError(f"not an idlib-sim results file: attribute {missing[0]!r} is missing; "
                         "give a file written by 'idlib-sim run' or 'idlib-sim memo'",
                         where=where)
    for v in REQUIRED_VARS:
        if v not in ds.variables:
            raise InputError(f"variable {v!r} is missing; the file is incomplete or from an "
                             "older idlib-sim - run the scenario again", where=where)
    for c in REQUIRED_COORDS:
        if c not in ds.variables:
            raise InputError(f"coordinate {c!r} is missing; run the scenario again", where=where)
    if "run" in ds.dims and ds.sizes["run"] == 0:
        raise InputError("the ensemble has no runs; run at least one member", where=where)
    if ds.sizes.get("time", 0) == 0:
        raise InputError("the results hold no days", where=where)
    return ds


# --------------------------------------------------------------------------- runs alike


@dataclass(frozen=True, eq=False)
class Runs:
    """A run or an ensemble seen the same way: every series has a leading run axis."""

    ds: xr.Dataset

    @cached_property
    def n(self) -> int:
        return int(self.ds.sizes["run"]) if "run" in self.ds.dims else 1

    @property
    def is_ensemble(self) -> bool:
        return self.n >= 2

    @cached_property
    def seeds(self) -> list[int]:
        if "seed" in self.ds.coords:
            return [int(s) for s in np.atleast_1d(self.ds["seed"].values)]
        if "seed" in self.ds.attrs and self.n == 1:
            return [int(self.ds.attrs["seed"])]
        return []          # an ensemble without a seed coordinate: seeds unknown

    def values(self, name: str, *dims: str) -> np.ndarray:
        """``ds[name]`` as a NumPy array ordered (run, *dims); static variables are repeated."""
        da = self.ds[name]
        order = [d for d in dims] if dims else [d for d in da.dims if d != "run"]
        if "run" in da.dims:
            arr = da.transpose("run", *order).values
        else:
            arr = np.broadcast_to(da.transpose(*order).values, (self.n, *da.transpose(*order).shape))
        return np.asarray(arr, dtype=float)

    def camp_capacity(self) -> np.ndarray:
        """Camp capacity [run, time, location]: a time series since the humanitarian response
        opens places during the run; a file with one value per place (older runs, hand-made
        datasets) is repeated over time."""
        da = self.ds["camp_capacity"]
        if "time" in da.dims:
            return self.values("camp_capacity", "time", "location")
        static = self.values("camp_capacity", "location")
        return np.repeat(static[:, None, :], self.days, axis=1)

    # ----------------------------------------------------------------- coordinates
    @cached_property
    def dates(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.ds["time"].values)

    def date(self, i: int) -> str:
        return str(self.dates[i].date())

    @property
    def days(self) -> int:
        return len(self.dates)

    @cached_property
    def locations(self) -> list[str]:
        return [str(x) for x in self.ds["location"].values]

    def coord(self, name: str) -> np.ndarray:
        """A location/road coordinate (the first run's, if it has a run axis)."""
        da = self.ds[name]
        if "run" in da.dims:
            da = da.isel(run=0)
        return da.values

    @cached_property
    def kind(self) -> np.ndarray:
        return self.coord("kind").astype(str)

    # ----------------------------------------------------------------- metadata
    @property
    def scenario_name(self) -> str:
        return str(self.ds.attrs.get("scenario_name", ""))

    @cached_property
    def scenario(self) -> dict:
        try:
            return json.loads(self.ds.attrs.get("scenario_json", "{}"))
        except json.JSONDecodeError:
            raise InputError("attribute scenario_json is not valid JSON; run the scenario again") \
                from None

    @property
    def title(self) -> str:
        return str(self.scenario.get("title") or self.scenario_name)

    @property
    def sha(self) -> str:
        return str(self.ds.attrs.get("scenario_sha256", ""))

    @property
    def version(self) -> str:
        return str(self.ds.attrs.get("product_version", ""))

    @cached_property
    def household_size(self) -> float:
        """Mean people per household: attrs initial_people / households, else the scenario's
        mean household size (an ensemble file may not keep the per-run household count)."""
        return self._household_size[0]

    @cached_property
    def household_size_source(self) -> str:
        return self._household_size[1]

    @cached_property
    def _household_size(self) -> tuple[float, str]:
        people, households = self.ds.attrs.get("initial_people"), self.ds.attrs.get("households")
        if "households" in self.ds.coords:            # per run, if the ensemble keeps it
            households = float(np.mean(self.ds["households"].values))
        try:
            size = float(people) / float(households)
            if np.isfinite(size) and size > 0:
                return size, "initial_people / households of the run"
        except (TypeError, ValueError, ZeroDivisionError):
            pass
        size = float(self.scenario.get("population", {}).get("mean_household_size", 5.5))
        return size, "the scenario's mean household size"

    def runs_phrase(self) -> str:
        """The honest one-liner on uncertainty every figure and memo carries."""
        if self.is_ensemble:
            drawn = str(self.ds.attrs.get("parameter_uncertainty", "none")).split()
            kind = " and ".join({"posterior_predictive": "posterior predictive",
                                 "offensive_pace": "offensive pace"}.get(d, d) for d in drawn
                                if d != "none") or "household randomness only"
            return f"ensemble of {self.n} runs: median, band P10-P90 ({kind})"
        seed = f"seed {self.seeds[0]}, " if self.seeds else ""
        return f"{seed}single run, no uncertainty band"

    def seeds_phrase(self, limit: int = 12) -> str:
        s = self.seeds
        if not s:
            return "seed unknown"
        shown = ", ".join(str(x) for x in s[:limit])
        more = f", ... ({len(s)} in all)" if len(s) > limit else ""
        return ("seed " if len(s) == 1 else "seeds ") + shown + more


def as_runs(data: xr.Dataset | Runs) -> Runs:
    """Accept a run dataset, an ensemble dataset or an already wrapped :class:`Runs`."""
    if isinstance(data, Runs):
        return data
    if not isinstance(data, xr.Dataset):
        raise InputError(f"expected an xarray Dataset of results, got {type(data).__name__}")
    return Runs(check_results(data))
