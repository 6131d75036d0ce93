"""Planning figures from a run's Dataset: what the CLI prints after a run."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from sim.analysis.indicators import FULL_SHARE


@dataclass(frozen=True)
class CampStatus:
    name: str
    capacity_people: float
    peak_occupancy_people: float
    full_since: str | None       # first date occupancy reached capacity
    overflow_people: float       # people in the open at the camp cluster on the last day


@dataclass(frozen=True)
class RunSummary:
    scenario: str
    seed: int
    days: int
    total_people: int
    total_displaced: float
    displaced_by_day: dict[int, float]
    peak_date: str
    peak_daily_new_displaced: float
    displaced_now: float
    in_camps: float
    in_host: float
    in_open: float
    waiting_at_border: float
    peak_waiting_at_border: float
    crossed_border: float
    arrivals_by_destination: list[tuple[str, float]] = field(default_factory=list)
    camps: list[CampStatus] = field(default_factory=list)
    women_and_children_share: float = float("nan")


def summarise(ds: xr.Dataset, top: int = 10) -> RunSummary:
    cum = ds["cumulative_displaced"].values
    daily = np.diff(cum, prepend=0.0)
    peak = int(np.argmax(daily))
    dates = [str(t)[:10] for t in ds["time"].values]
    last = ds.isel(time=-1)
    arrivals = ds["arrivals"].sum("time").to_series().sort_values(ascending=False)
    arrivals = [(str(k), float(v)) for k, v in arrivals.items() if v > 0][:top]
    camps = []
    occ = ds["camp_occupancy"]
    for loc in ds["location"].values[ds["camp_capacity"].values > 0]:
        cap = float(ds["camp_capacity"].sel(location=loc))
        series = occ.sel(location=loc).values
        full = np.flatnonzero(series >= FULL_SHARE * cap)
        camps.append(CampStatus(
            name=str(loc), capacity_people=cap, peak_occupancy_people=float(series.max()),
            full_since=dates[int(full[0])] if len(full) else None,
            overflow_people=float(last["in_open"].sel(location=loc))))
    groups = last["displaced_by_group"].to_series()
    total_g = float(groups.sum())
    wc = float(groups.get("children", 0) + groups.get("adult_women", 0))
    checkpoints = {d: float(cum[d - 1]) for d in (3, 14, 30, 90) if d <= len(cum)}
    return RunSummary(
        scenario=ds.attrs.get("scenario_name", ""), seed=int(ds.attrs.get("seed", -1)),
        days=len(cum), total_people=int(ds.attrs.get("initial_people", 0)),
        total_displaced=float(cum[-1]), displaced_by_day=checkpoints,
        peak_date=dates[peak], peak_daily_new_displaced=float(daily[peak]),
        displaced_now=float(last["displaced_present"].sum() + last["in_transit"].sum()),
        in_camps=float(last["in_camp"].sum()), in_host=float(last["in_host"].sum()),
        in_open=float(last["in_open"].sum()),
        waiting_at_border=float(last["waiting_at_border"].sum()),
        peak_waiting_at_border=float(ds["waiting_at_border"].sum("location").max()),
        crossed_border=float(last["crossed_border"]),
        arrivals_by_destination=arrivals, camps=camps,
        women_and_children_share=wc / total_g if total_g > 0 else float("nan"))
