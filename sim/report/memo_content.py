"""The memo's content: its tables of numbers and the scenario and provenance in words."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.analysis import indicators as ind
from sim.analysis.destinations import capacity_by_destination, capacity_note
from sim.io.results import Runs

TOTAL = "total displaced (each person once)"
"""The last row of the where-everyone-is table: the sum of the rows above in every run."""


# --------------------------------------------------------------------------- numbers


def _row(measure: str, unit: str, date: str, value: ind.Band, shift: float = 0.0) -> dict:
    """One key-figures row: a measure and its P50, P10, P90 (``shift`` turns a day index into
    a day of the run)."""
    return {"measure": measure, "unit": unit, "date": date, "p50": value.p50 + shift,
            "p10": value.p10 + shift, "p90": value.p90 + shift}


def key_figures(runs: Runs) -> pd.DataFrame:
    """The headline numbers: displaced at the checkpoints, the peak, women and children."""
    end = runs.days - 1
    rows = [_row(f"displaced by the end (day {c.day})" if c.is_end else f"displaced by {c.label}",
                 "people", c.date, ind.displaced_by(runs, c.day)) for c in ind.checkpoints(runs)]
    day = ind.peak_displacement_day(runs)
    rows.append(_row("peak day (day of the run)", "day", runs.date(int(day.p50)), day, shift=1))
    rows.append(_row("peak daily rate of new displacement", "people/day", "",
                     ind.peak_daily_new_displaced(runs)))
    rows.append(_row("women and children among the displaced (end)", "share", runs.date(end),
                     ind.women_and_children_share(runs, end)))
    rows.append(_row("peak waiting at the border", "people", "", ind.peak_waiting_at_border(runs)))
    rows.append(_row("crossed into Turkey (end)", "people", runs.date(end),
                     ind.crossed_into_turkey(runs, end)))
    return pd.DataFrame(rows)


def where_people_are(runs: Runs) -> pd.DataFrame:
    """Everyone displaced in the run by where they are, at each checkpoint and at the end
    (P50, P10, P90; :func:`sim.analysis.indicators.whereabouts`), then the total: in every run
    the rows add up to it."""
    rows = []
    for c in ind.checkpoints(runs):
        values = ind.whereabouts(runs, c.index)
        values["total"] = ind.displaced_by(runs, c.day)
        labels = dict(ind.WHEREABOUTS) | {"total": TOTAL}
        rows += [{"checkpoint": c.label, "date": c.date, "key": key, "where": labels[key],
                  "p50": v.p50, "p10": v.p10, "p90": v.p90} for key, v in values.items()]
    return pd.DataFrame(rows)


def destinations(runs: Runs) -> pd.DataFrame:
    """Per place: arrivals over the run, capacity (camp + host places), the date capacity is
    exceeded, people in the open there at the end
    (:func:`sim.analysis.destinations.capacity_by_destination`)."""
    return capacity_by_destination(runs)


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
    out["Behaviour and capacity"] = _changed_settings(sc) + [capacity_note(runs)]
    returns = ("People displaced may return home (the 'returned home' row)."
               if ind.RETURNED_VARIABLE in runs.ds.variables else "Nobody returns home.")
    out["Main assumptions (docs/model.md, section 9)"] = [
        "Planning scenario, not a forecast: the defaults of flee propensity, danger tolerance, "
        "camp preference, moving on from the open, danger decay and the camp capacity scale "
        "are posterior means of a calibration on the Apr-Aug 2019 offensive "
        "(docs/validation.md); the other parameters are documented estimates.",
        f"{returns} Nobody crosses to government-held areas; people stay in the open once "
        "places run out until they move on.",
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
    """Versions, scenario file, seeds, region and people simulated: from the attributes of a
    run file, or the per-run coordinates of an ensemble file (``initial_people``,
    ``households``)."""
    a = runs.ds.attrs
    people = ind.initial_people(runs)
    if people.p10 == people.p90:
        who = f"{people.p50:,.0f} people" + (" in every run" if runs.is_ensemble else "")
    else:
        who = (f"{people.p50:,.0f} people (median; {people.p10:,.0f} to {people.p90:,.0f} "
               "over runs)")
    households = (np.asarray(runs.ds["households"].values, float) if "households" in runs.ds.coords
                  else np.array([float(a["households"])]) if "households" in a else None)
    if households is not None:
        h = np.median(households)
        who += f" in {h:,.0f} households" + (" (median)" if len(set(households)) > 1 else "")
    region = str(a.get("region") or runs.scenario.get("region") or "?")
    return [f"idlib-sim version {runs.version}; Mesa {a.get('mesa_version', '?')}, "
            f"Python {a.get('python_version', '?')}.",
            f"Scenario '{runs.scenario_name}', file sha256 {runs.sha or 'unknown'}.",
            (f"{runs.n} runs" if runs.is_ensemble else "One run (no uncertainty band)")
            + f"; {runs.seeds_phrase(40)}.",
            f"Region '{region}': {who} (mean household size {runs.household_size:.2f}: "
            f"{runs.household_size_source}).",
            "Sources of the data: sim/data/idlib/sources.md. Model description: docs/model.md."]
