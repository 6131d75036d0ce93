"""Where the displaced go, place by place: arrivals, camps against capacity, capacity by
destination, the capacity scales behind them and the origin-destination matrix.

The per-place tables of the planning numbers (:mod:`sim.analysis.indicators` holds the rest
and the rules they share: :data:`~sim.analysis.indicators.FULL_SHARE`, :class:`Band`). Every
table has one row per place and P50/P10/P90 columns over runs; the console summary, the memo's
CSVs and the figures read the same table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis.indicators import Band, band, first_full_day, peak
from sim.config.response import ResponseConfig
from sim.config.scenario import CapacityConfig
from sim.io.results import Runs


def arrivals_by_destination(runs: Runs) -> pd.DataFrame:
    """Arrivals per place over the whole run (P50, P10, P90), largest first (stable on ties);
    places nobody reaches in any run left out. A person can arrive at several places."""
    med, lo, hi = band(over_time(runs, "arrivals"))
    df = pd.DataFrame({"location": runs.locations, "kind": runs.kind, "arrivals_p50": med,
                       "arrivals_p10": lo, "arrivals_p90": hi})
    df = df[df["arrivals_p90"] > 0]
    return df.sort_values("arrivals_p50", ascending=False, kind="stable").reset_index(drop=True)


def camps_against_capacity(runs: Runs) -> pd.DataFrame:
    """Each place with camp places: capacity, peak occupancy, the day it is full (P50, P10,
    P90 over runs; :data:`FULL_SHARE`), the share of runs in which it fills, and the people in
    the open there at the end (the overflow of full camps)."""
    series = runs.camp_capacity()
    cap = series[:, -1]                       # at the end: the shipped places and those opened
    occ = runs.values("camp_occupancy", "time", "location")
    open_end = runs.values("in_open", "time", "location")[:, -1]
    first = first_full_day(occ, series)
    rows = []
    for j in np.flatnonzero(cap[0] > 0):
        full = Band.of_days(first[:, j])
        top = peak(occ[:, :, j])
        rows.append({
            "camp": runs.locations[j], "capacity": float(np.median(cap[:, j])),
            "peak_occupancy_p50": top.p50, "peak_occupancy_p10": top.p10,
            "peak_occupancy_p90": top.p90,
            "full_day_p50": full.p50, "full_day_p10": full.p10, "full_day_p90": full.p90,
            "full_date_p50": _date(runs, full.p50),
            "share_of_runs_full": float(np.isfinite(first[:, j]).mean()),
            "in_open_at_end_p50": Band.of(open_end[:, j]).p50,
        })
    return pd.DataFrame(rows)


def capacity_by_destination(runs: Runs) -> pd.DataFrame:
    """Per place reached or with places: arrivals over the run, camp and host places, the day
    capacity is exceeded (camp + host occupancy >= FULL_SHARE x camp + host places) and people
    in the open there at the end; largest arrivals first."""
    arrivals = over_time(runs, "arrivals")
    camp_series = runs.camp_capacity()
    camp_cap = camp_series[:, -1]                  # at the end, with the places opened
    host_cap = runs.values("host_capacity", "location")
    occupancy = runs.values("camp_occupancy", "time", "location") + \
        runs.values("in_host", "time", "location")
    first = first_full_day(occupancy, camp_series + host_cap[:, None, :])
    open_end = runs.values("in_open", "time", "location")[:, -1]
    rows = []
    for j, name in enumerate(runs.locations):
        a = Band.of(arrivals[:, j])
        cap = float(np.median(camp_cap[:, j])) + host_cap[0, j]
        if a.p90 <= 0 and cap <= 0:
            continue
        d = Band.of_days(first[:, j])
        rows.append({
            "destination": name, "kind": runs.kind[j],
            "arrivals_p50": a.p50, "arrivals_p10": a.p10, "arrivals_p90": a.p90,
            "camp_capacity": float(np.median(camp_cap[:, j])), "host_capacity": host_cap[0, j],
            "capacity": cap,
            "peak_occupancy_p50": float(np.median(occupancy[:, :, j].max(axis=1))),
            "capacity_exceeded_day_p50": d.p50, "capacity_exceeded_day_p10": d.p10,
            "capacity_exceeded_day_p90": d.p90,
            "capacity_exceeded_date_p50": _date(runs, d.p50),
            "share_of_runs_exceeded": float(np.isfinite(first[:, j]).mean()),
            "in_open_at_end_p50": float(np.median(open_end[:, j])),
        })
    df = pd.DataFrame(rows)
    return df.sort_values("arrivals_p50", ascending=False, kind="stable").reset_index(drop=True)


def capacity_scales(runs: Runs) -> dict[str, tuple[float, float]]:
    """The camp and host capacity scales of the runs (smallest, largest): the scenario's
    ``capacity`` section, or a sweep's per-run parameter coordinate when it varies them."""
    cap = {**CapacityConfig().model_dump(), **runs.scenario.get("capacity", {})}
    out = {}
    for key in ("camp", "host"):
        name = f"{key}_capacity_scale"
        coord = f"param_capacity__{name}"
        values = (np.asarray(runs.ds[coord].values, float) if coord in runs.ds.coords
                  else np.array([float(cap[name])]))
        out[key] = (float(values.min()), float(values.max()))
    return out


def capacity_note(runs: Runs) -> str:
    """The sentence every table or figure of capacities carries: capacities shown are the
    run's effective places, after the scenario's scales (``camp_capacity`` in the results is
    already scaled, docs/model.md section 5)."""
    calibrated = CapacityConfig().camp_capacity_scale
    scales = capacity_scales(runs)

    lo, hi = scales["camp"]
    if lo != hi:
        camp = (f"camp capacities are x{lo:g} to x{hi:g} the estimated places, varying by run "
                "(above x1: sites opened in the emergency)")
    elif lo == 1:
        camp = "camp capacities are the estimated places of the existing camps (x1)"
    elif lo > 1:
        why = "calibrated, docs/validation.md" if lo == calibrated else "the scenario's setting"
        camp = f"camp capacities include x{lo:g} for sites opened in the emergency ({why})"
    else:
        camp = f"camp capacities are x{lo:g} the estimated places (fewer places)"
    h_lo, h_hi = scales["host"]
    host = ("host capacities as estimated (x1)" if h_lo == h_hi == 1 else
            f"host capacities x{h_lo:g} the estimate" if h_lo == h_hi else
            f"host capacities x{h_lo:g} to x{h_hi:g} the estimate, varying by run")
    response = (runs.scenario.get("response", {}) or {}).get("share_of_unsheltered_per_day",
                                                             ResponseConfig().share_of_unsheltered_per_day)
    camp += (", and the humanitarian response opens new places at the sites during the run"
             if response > 0 else ", no new sites (the response is switched off)")
    named = sorted((runs.scenario.get("capacity", {}) or {}).get("camp_capacity_people", {}) or {})
    fixed = f"; places set directly by the scenario: {', '.join(named)}" if named else ""
    return (f"Capacities are effective places after scaling: {camp}; {host}; both in proportion "
            f"to the people simulated{fixed}.")


def destination_groups(runs: Runs) -> list[str]:
    """The column each location falls in: its sub-district, or its own name outside Idleb."""
    sub = runs.coord("location_subdistrict_name").astype(str)
    return [name if kind == "external" else (s or name)
            for name, kind, s in zip(runs.locations, runs.kind, sub)]


def od_matrix(runs: Runs, day_index: int = -1) -> pd.DataFrame:
    """Displaced people [home sub-district x where they are] on ``day_index``: locations
    grouped by :func:`destination_groups` (in transit: the last place passed); with an
    ensemble each cell is the median over runs of that cell."""
    cube = runs.values("displaced_by_origin", "time", "origin", "location")[:, day_index]
    groups = destination_groups(runs)
    columns = list(dict.fromkeys(groups))
    member = np.zeros((len(groups), len(columns)))
    member[np.arange(len(groups)), [columns.index(g) for g in groups]] = 1.0
    per_run = cube @ member
    origins = [str(o) for o in np.atleast_1d(runs.coord("origin"))]
    return pd.DataFrame(np.median(per_run, axis=0), index=pd.Index(origins, name="origin"),
                        columns=pd.Index(columns, name="destination"))


def over_time(runs: Runs, name: str) -> np.ndarray:
    """A per-place flow summed over the whole run: people [run, place]."""
    return runs.values(name, "time", "location").sum(axis=1)


def _date(runs: Runs, day_index: float) -> str:
    """The date of a day index, "" for never (inf)."""
    return runs.date(int(day_index)) if np.isfinite(day_index) else ""
