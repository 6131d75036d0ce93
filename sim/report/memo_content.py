"""The memo's content: its tables of numbers and the scenario and provenance in words."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sim.analysis.indicators import band, day_band
from sim.io.results import Runs
from sim.report.plots.destinations import full_days
from sim.report.plots.displacement import checkpoint_table, peak_table

PLACES = (("camps", "in_camp"), ("host communities", "in_host"), ("open air", "in_open"),
          ("waiting at the border", "waiting_at_border"), ("in transit", "in_transit"))
"""Where displaced people are, in the order the memo lists them (label, variable)."""


# --------------------------------------------------------------------------- numbers


def key_figures(runs: Runs) -> pd.DataFrame:
    """The headline numbers: displaced at the checkpoints, the peak, women and children."""
    rows = [{"measure": f"displaced by {r.checkpoint}" if r.checkpoint != "end of run"
             else f"displaced by the end (day {r.day})", "unit": "people", "date": r.date,
             "p50": r.displaced_p50, "p10": r.displaced_p10, "p90": r.displaced_p90}
            for r in checkpoint_table(runs).itertuples()]
    peak = peak_table(runs)
    d = peak.iloc[0]
    rows.append({"measure": "peak day (day of the run)", "unit": "day", "date": d.date_p50,
                 "p50": d.p50 + 1, "p10": d.p10 + 1, "p90": d.p90 + 1})
    v = peak.iloc[1]
    rows.append({"measure": "peak daily rate of new displacement", "unit": "people/day",
                 "date": "", "p50": v.p50, "p10": v.p10, "p90": v.p90})
    groups = runs.values("displaced_by_group", "time", "group")[:, -1]
    names = [str(g) for g in np.atleast_1d(runs.coord("group"))]
    wc = sum(groups[:, names.index(g)] for g in ("children", "adult_women") if g in names)
    total = groups.sum(axis=1)
    share = np.where(total > 0, wc / np.where(total > 0, total, 1), np.nan)
    m, lo, hi = band(share)
    rows.append({"measure": "women and children among the displaced (end)", "unit": "share",
                 "date": runs.date(runs.days - 1), "p50": m, "p10": lo, "p90": hi})
    border = runs.values("waiting_at_border", "time", "location").sum(axis=2)
    m, lo, hi = band(border.max(axis=1))
    rows.append({"measure": "peak waiting at the border", "unit": "people", "date": "",
                 "p50": m, "p10": lo, "p90": hi})
    m, lo, hi = band(runs.values("crossed_border", "time")[:, -1])
    rows.append({"measure": "crossed into Turkey (end)", "unit": "people",
                 "date": runs.date(runs.days - 1), "p50": m, "p10": lo, "p90": hi})
    return pd.DataFrame(rows)


def where_people_are(runs: Runs) -> pd.DataFrame:
    """Displaced people by where they are, at each checkpoint and at the end (P50, P10, P90)."""
    rows = []
    for r in checkpoint_table(runs).itertuples():
        i = r.day - 1
        for label, var in PLACES:
            m, lo, hi = band(runs.values(var, "time", "location")[:, i].sum(axis=1))
            rows.append({"checkpoint": r.checkpoint, "date": r.date, "where": label,
                         "p50": m, "p10": lo, "p90": hi})
        m, lo, hi = band(runs.values("crossed_border", "time")[:, i])
        rows.append({"checkpoint": r.checkpoint, "date": r.date, "where": "crossed into Turkey",
                     "p50": m, "p10": lo, "p90": hi})
    return pd.DataFrame(rows)


def destinations(runs: Runs) -> pd.DataFrame:
    """Per place: arrivals over the run, capacity (camp + host places), the date capacity is
    exceeded (occupancy >= FULL_SHARE x capacity), people in the open there at the end."""
    arrivals = runs.values("arrivals", "time", "location").sum(axis=1)
    camp_cap = runs.values("camp_capacity", "location")[0]
    host_cap = runs.values("host_capacity", "location")[0]
    occupancy = runs.values("camp_occupancy", "time", "location") + \
        runs.values("in_host", "time", "location")
    first = full_days(occupancy, camp_cap + host_cap)
    open_end = runs.values("in_open", "time", "location")[:, -1]
    rows = []
    for j, name in enumerate(runs.locations):
        a50, a10, a90 = band(arrivals[:, j])
        cap = camp_cap[j] + host_cap[j]
        if a90 <= 0 and cap <= 0:
            continue
        d50, d10, d90 = day_band(first[:, j])
        rows.append({
            "destination": name, "kind": runs.kind[j],
            "arrivals_p50": a50, "arrivals_p10": a10, "arrivals_p90": a90,
            "camp_capacity": camp_cap[j], "host_capacity": host_cap[j], "capacity": cap,
            "peak_occupancy_p50": float(np.median(occupancy[:, :, j].max(axis=1))),
            "capacity_exceeded_day_p50": d50, "capacity_exceeded_day_p10": d10,
            "capacity_exceeded_day_p90": d90,
            "capacity_exceeded_date_p50": runs.date(int(d50)) if math.isfinite(d50) else "",
            "share_of_runs_exceeded": float(np.isfinite(first[:, j]).mean()),
            "in_open_at_end_p50": float(np.median(open_end[:, j])),
        })
    df = pd.DataFrame(rows)
    return df.sort_values("arrivals_p50", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- words


def scenario_in_words(runs: Runs) -> dict[str, list[str]]:
    """The scenario's assumptions, triggers and border policy as sentences, from the
    scenario stored in the results (``attrs['scenario_json']``)."""
    sc = runs.scenario
    start = pd.Timestamp(sc.get("start_date", runs.dates[0]))

    def on(day) -> str:
        return f"day {day} ({(start + pd.Timedelta(days=int(day))):%d %b %Y})"

    pop, con, bor = sc.get("population", {}), sc.get("conflict", {}), sc.get("border", {})
    out: dict[str, list[str]] = {}
    out["What"] = [f"{sc.get('title') or sc.get('name', '')}. {(sc.get('description') or '').strip()}"]
    out["When and who"] = [
        f"{sc.get('days', runs.days)} days from {start:%d %b %Y} to {runs.dates[-1]:%d %b %Y}.",
        f"{pop.get('total_people', 0):,} people in the area at the start (mean household "
        f"{pop.get('mean_household_size', 0):g} people; children {pop.get('children_share', 0):.0%}, "
        f"adult women {pop.get('adult_women_share', 0):.0%}, elderly {pop.get('elderly_share', 0):.0%}; "
        f"{pop.get('vehicle_share', 0):.0%} of households have a vehicle)."]
    triggers = []
    for ax in con.get("axes", []):
        stop = f", stopping on {on(ax['stop_day'])}" if ax.get("stop_day") is not None else ""
        triggers.append(f"Axis '{ax['name']}': from {ax['start']} via {', '.join(ax['via'])}, "
                        f"from {on(ax.get('start_day', 0))} at {ax.get('speed_km_per_day', 0):g} "
                        f"km/day (places within {ax.get('width_km', 0):g} km fall){stop}.")
    for cc in con.get("control_changes", []):
        triggers.append(f"{cc['place']} changes to {cc.get('to_side', 'government')} control "
                        f"on {on(cc['day'])}.")
    levels = con.get("intensity", [])
    if levels:
        triggers.append("Conflict intensity " + "; ".join(
            f"{p['level']:g} from {on(p['day'])}" for p in levels) + " (1 = full).")
    cf = con.get("ceasefire_day")
    triggers.append(f"Ceasefire on {on(cf)}." if cf is not None else "No ceasefire.")
    for s in con.get("strikes", []):
        triggers.append(f"Strikes on {s['place']} (danger {s['level']:g}) from {on(s['start_day'])} "
                        f"to {on(s['end_day'])}.")
    for rc in con.get("road_closures", []):
        a, b = rc.get("from_place", rc.get("from")), rc.get("to_place", rc.get("to"))
        end = f" to {on(rc['end_day'])}" if rc.get("end_day") is not None else ""
        triggers.append(f"Road {a} - {b} closed from {on(rc.get('start_day', 0))}{end}.")
    out["Offensive (the triggers of flight)"] = triggers or ["No offensive."]

    def phases(ph) -> str:
        parts = []
        for p in ph:
            what = (f"quota of {p['quota_people_per_day']:,} people/day" if p["status"] == "quota"
                    else p["status"])
            parts.append(f"{what} from {on(p.get('day', 0))}")
        return "; ".join(parts)

    border = [f"Every crossing not listed below: {phases(bor.get('default', []))}."]
    border += [f"{name}: {phases(ph)}." for name, ph in bor.get("crossings", {}).items()]
    out["Border policy"] = border
    out["Behaviour and capacity"] = _changed_settings(sc)
    out["Main assumptions (docs/model.md, section 9)"] = [
        "Planning scenario, not a forecast: behaviour parameters are documented estimates not "
        "yet calibrated against the 2019 offensives.",
        "Nobody returns home and nobody crosses to government-held areas; people stay in the "
        "open once places run out until they move on.",
        "Camp and host capacities are estimates (sim/data/idlib/sources.md, E5-E9); roads "
        "have class capacities (E11).",
    ]
    return out


def _changed_settings(sc: dict) -> list[str]:
    """Behaviour, movement and capacity settings that differ from the model's defaults."""
    from sim.config.scenario import BehaviourConfig, CapacityConfig, MovementConfig

    lines = []
    for key, model in (("behaviour", BehaviourConfig), ("movement", MovementConfig),
                       ("capacity", CapacityConfig)):
        defaults = model().model_dump()
        changed = [f"{k} = {v}" for k, v in sc.get(key, {}).items()
                   if k in defaults and v != defaults[k] and v not in ({}, [])]
        if changed:
            lines.append(f"{key.capitalize()} differs from the defaults: {', '.join(changed)}.")
    return lines or ["Behaviour, movement and capacity at the model's documented defaults "
                     "(docs/model.md, section 6.2)."]


def provenance(runs: Runs) -> list[str]:
    a = runs.ds.attrs
    return [f"idlib-sim version {runs.version}; Mesa {a.get('mesa_version', '?')}, "
            f"Python {a.get('python_version', '?')}.",
            f"Scenario '{runs.scenario_name}', file sha256 {runs.sha or 'unknown'}.",
            (f"{runs.n} runs" if runs.is_ensemble else "One run (no uncertainty band)")
            + f"; {runs.seeds_phrase(40)}.",
            f"Region '{a.get('region', '?')}'; {int(a.get('initial_people', 0)):,} people"
            + (f" in {int(a['households']):,} households " if "households" in a else " ")
            + f"(mean household size {runs.household_size:.2f}: {runs.household_size_source}).",
            "Sources of the data: sim/data/idlib/sources.md. Model description: docs/model.md."]
