"""Observed against simulated: every measure of an observed CSV computed from a run or ensemble.

How each measure is computed from the Dataset (people are counted once, movements each time):

* ``people_displaced`` - people displaced for the first time in this run on a day of the
  window, by the place they left (``new_displaced``), summed over the area's places.
* ``displacements`` - every move out of a place of the area in the window: flights from
  danger and onward moves (``departures``).
* ``arrivals`` - people reaching a destination in the area in the window (``arrivals``).
* ``in_sites`` - of the people from the area displaced in this run, those in camps at the end
  of the window (``in_camp_by_origin``), times the share of them displaced in the window (exact
  when the window starts with the run).
* ``new_idps_present`` - people first displaced on a day of the window (in this run) who are
  in the area at its end, sheltering or in transit (``new_idps_present_by_cohort``: people
  present by sub-district and cohort of first displacement, summed over the cohorts that start
  in the window). A run of up to 200 days has one cohort per day, so every window is exact;
  a longer run has weekly cohorts, and a window starting inside one takes the share of that
  week's first displacements made from the window's start on. It is counted by sub-district:
  a group's figure covers the whole sub-districts of its places.

Areas are ``all``, a sub-district (its OCHA P-code, e.g. ``SY070301``, or its name), a
district or a group of places; origin-based measures of a group use the sub-districts of its
places. Rows whose window is not inside the run are
reported as not covered, not compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from sim.errors import InputError
from sim.io.observed import ObservedRow

REQUIRED = ("new_displaced", "departures", "arrivals", "in_camp_by_origin", "cumulative_displaced")


@dataclass(frozen=True)
class Comparison:
    row: ObservedRow
    simulated: np.ndarray | None    # one value per run; None if the window is not in the run

    @property
    def covered(self) -> bool:
        return self.simulated is not None

    def quantiles(self) -> tuple[float, float, float]:
        p10, p50, p90 = np.percentile(self.simulated, [10, 50, 90])
        return float(p10), float(p50), float(p90)

    @property
    def relative_error(self) -> float:
        if not self.covered or self.row.value == 0:
            return float("nan")
        return (self.quantiles()[1] - self.row.value) / self.row.value


def check_dataset(ds: xr.Dataset, where: str) -> None:
    if "scenario_name" not in ds.attrs:
        raise InputError("not an idlib-sim results file (no scenario_name attribute)", where=where)
    missing = [v for v in REQUIRED if v not in ds.variables]
    if missing:
        raise InputError(f"missing variable(s) {', '.join(missing)}; re-run the scenario with "
                         "this version of idlib-sim", where=where)


def _runs(ds: xr.Dataset) -> xr.Dataset:
    return ds if "run" in ds.dims else ds.expand_dims(run=[0])


def location_mask(ds: xr.Dataset, area: str, geo) -> np.ndarray:
    names = ds["location"].values.astype(str)
    if area == "all":
        return np.ones(len(names), dtype=bool)
    if area in geo.groups:
        members = {geo.names[i] for i in geo.groups[area]}
        return np.isin(names, list(members))
    idx = [geo.names.index(n) if n in geo.names else -1 for n in names]
    sub = np.array([str(geo.subdistrict[i]) if i >= 0 else "" for i in idx])
    pcode = np.array([str(geo.subdistrict_pcode[i]) if i >= 0 and len(geo.subdistrict_pcode) else ""
                      for i in idx])
    dist = np.array([str(geo.district[i]) if i >= 0 else "" for i in idx])
    return (sub == area) | (pcode == area) | (dist == area)


def origin_mask(ds: xr.Dataset, area: str, geo) -> np.ndarray:
    origins = ds["origin"].values.astype(str)
    if area == "all":
        return np.ones(len(origins), dtype=bool)
    locs = location_mask(ds, area, geo)
    names = ds["location"].values.astype(str)[locs]
    subs = {str(geo.subdistrict[geo.names.index(n)]) for n in names if n in geo.names}
    return np.isin(origins, list(subs))


def subdistrict_mask(ds: xr.Dataset, area: str, geo) -> np.ndarray:
    """The sub-districts (``subdistrict`` dimension) of an area; a group's are those of its places."""
    keys = ds["subdistrict"].values.astype(str)
    if area == "all":
        return np.ones(len(keys), dtype=bool)
    if area in geo.groups:
        return np.isin(keys, [str(geo.subdistrict_key[i]) for i in geo.groups[area]])
    names = ds["subdistrict_name"].values.astype(str) if "subdistrict_name" in ds else keys
    district = ds["subdistrict_district"].values.astype(str) if "subdistrict_district" in ds else keys
    return (keys == area) | (names == area) | (district == area)


def new_idps_present(ds: xr.Dataset, area: str, geo, t0: int, t1: int) -> np.ndarray:
    """People first displaced on days t0..t1 and present in ``area`` at the end of day t1."""
    if "new_idps_present_by_cohort" not in ds.variables:
        raise InputError("variable 'new_idps_present_by_cohort' is missing (measure "
                         "new_idps_present); re-run the scenario with this version of idlib-sim")
    cohorts = ds["new_idps_present_by_cohort"]
    width = int(cohorts.attrs.get("cohort_length_days", 1))
    present = cohorts.isel(time=t1).values[:, :, subdistrict_mask(ds, area, geo)].sum(axis=2)
    first_day = np.arange(present.shape[1]) * width
    weight = (first_day >= t0).astype(float)          # cohorts that start in the window
    c = t0 // width
    if first_day[c] < t0:                              # a window starting inside a cohort
        new = ds["new_displaced"].values.sum(axis=2)   # [run, day]
        end = min(first_day[c] + width, t1 + 1)
        part, whole = new[:, t0:end].sum(axis=1), new[:, first_day[c]:end].sum(axis=1)
        share = np.divide(part, whole, out=np.zeros_like(part), where=whole > 0)
        return present @ weight + present[:, c] * share
    return present @ weight


def simulate(ds: xr.Dataset, row: ObservedRow, geo) -> np.ndarray | None:
    """The row's measure in every run of ``ds`` (None if its window is not in the run)."""
    ds = _runs(ds)
    dates = pd.DatetimeIndex(ds["time"].values).date
    if row.date_start < dates[0] or row.date_end > dates[-1]:
        return None
    t0 = int(np.searchsorted(dates, row.date_start))
    t1 = int(np.searchsorted(dates, row.date_end, side="right")) - 1
    window = slice(t0, t1 + 1)
    loc = location_mask(ds, row.area, geo)

    def total(var: str) -> np.ndarray:
        return ds[var].isel(time=window).values[:, :, loc].sum(axis=(1, 2))

    if row.measure == "people_displaced":
        return total("new_displaced")
    if row.measure == "displacements":
        return total("departures")
    if row.measure == "arrivals":
        return total("arrivals")
    if row.measure == "new_idps_present":
        return new_idps_present(ds, row.area, geo, t0, t1)
    org = origin_mask(ds, row.area, geo)
    in_camp = ds["in_camp_by_origin"].isel(time=t1).values[:, org].sum(axis=1)
    new = ds["new_displaced"].values[:, :, loc]
    in_window = new[:, window].sum(axis=(1, 2))
    so_far = new[:, : t1 + 1].sum(axis=(1, 2))
    share = np.divide(in_window, so_far, out=np.zeros_like(in_window, dtype=float), where=so_far > 0)
    return in_camp * share


def compare(ds: xr.Dataset, rows: list[ObservedRow], geo) -> list[Comparison]:
    out = [Comparison(r, simulate(ds, r, geo)) for r in rows]
    if not any(c.covered for c in out):
        dates = pd.DatetimeIndex(ds["time"].values)
        raise InputError(f"no observed window lies inside the run ({dates[0].date()} to "
                         f"{dates[-1].date()}); run a scenario that covers the observations")
    return out


def table(comparisons: list[Comparison]) -> pd.DataFrame:
    recs = []
    for c in comparisons:
        r = c.row
        base = {"line": r.line, "window": f"{r.date_start}..{r.date_end}", "measure": r.measure,
                "area": r.area, "observed": r.value, "source": r.source_id}
        if c.covered:
            p10, p50, p90 = c.quantiles()
            p5, p95 = np.percentile(c.simulated, [5, 95])
            base.update(sim_p10=p10, sim_p50=p50, sim_p90=p90, relative_error=c.relative_error,
                        within_p10_p90=bool(p10 <= r.value <= p90),
                        within_p5_p95=bool(p5 <= r.value <= p95))
        else:
            base.update(sim_p10=np.nan, sim_p50=np.nan, sim_p90=np.nan,
                        relative_error=np.nan, within_p10_p90=None, within_p5_p95=None)
        recs.append(base)
    return pd.DataFrame.from_records(recs)


@dataclass(frozen=True)
class Coverage:
    """How many observed figures fall inside the ensemble's bands (an in-sample check of the
    uncertainty: about 80 % should be inside P10-P90 if the bands are honest)."""

    rows: int                  # covered rows compared
    within_p10_p90: int
    within_p5_p95: int

    @property
    def share_p10_p90(self) -> float:
        return self.within_p10_p90 / self.rows if self.rows else float("nan")

    @property
    def share_p5_p95(self) -> float:
        return self.within_p5_p95 / self.rows if self.rows else float("nan")

    def sentence(self) -> str:
        return (f"coverage: {self.within_p10_p90} of {self.rows} observed figures inside "
                f"P10-P90 ({self.share_p10_p90:.0%}; honest bands give about 80 %), "
                f"{self.within_p5_p95} inside P5-P95 ({self.share_p5_p95:.0%})")


def coverage(comparisons: list[Comparison]) -> Coverage:
    """Share of the covered observed figures inside the simulated P10-P90 and P5-P95."""
    inside = {(10, 90): 0, (5, 95): 0}
    rows = [c for c in comparisons if c.covered]
    for c in rows:
        for lo, hi in inside:
            a, b = np.percentile(c.simulated, [lo, hi])
            inside[lo, hi] += int(a <= c.row.value <= b)
    return Coverage(len(rows), inside[10, 90], inside[5, 95])


def mean_relative_difference(comparisons: list[Comparison]) -> float:
    """Mean of |simulated P50 - observed| / observed over the covered rows."""
    errs = [abs(c.relative_error) for c in comparisons if c.covered and np.isfinite(c.relative_error)]
    return float(np.mean(errs)) if errs else float("nan")
