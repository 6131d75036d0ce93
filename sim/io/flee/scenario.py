"""The scenario of a FLEE case: its period, conflicts, closures and the FLEE parameter set.

Only what FLEE's folder itself carries is per case (period, conflict intensities, closures,
registration corrections, observed totals); every other parameter is the one default set for
all FLEE cases, :data:`FLEE_DEFAULTS`, documented in docs/flee.md and never fitted to a
case's validation data.

* Conflict zones become places of danger: each run of days at one intensity is a
  ``conflict.strikes`` entry at that level (FLEE's intensity is our danger, 0-1).
* Closures become ``conflict.road_closures``: ``link`` one road, ``location`` every road at
  the place, ``country`` every road between the two countries, ``camp``/``idpcamp`` every road
  at the camp (it receives nobody; FLEE turns it into a town, which a destination with no
  capacity here is too). FLEE reopens on ``closure_end``, so the last closed day is the one
  before. ``remove_forced_redirection`` needs nothing (see :mod:`sim.io.flee.convert`).
* Spawning mode (``spawning.mode: observed_total``, FLEE's validation setup): the observed
  people in camps on day 0 start there, and each day the increase of the observed total
  enters at the conflict zones. Without observations the scenario uses our own
  flight-decision model on the places' populations.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from sim.io.atomic import write_text
from sim.io.flee.case import FleeCase
from sim.io.flee.convert import Region
from sim.io.flee.validation import CampCounts

FLEE_DEFAULTS: dict = {
    "population": {"vehicle_share": 1.0},
    "movement": {"vehicle_speed_km_per_day": 360.0, "foot_speed_km_per_day": 35.0,
                 "settle_after_days": None},
    "capacity": {"camp_capacity_scale": 1.0, "host_capacity_scale": 1.0},
    "returns": {"return_per_day": 0.0},
}
"""The parameters every FLEE case runs with (docs/flee.md, "The FLEE parameter set"): FLEE's
own default speeds (``max_move_speed`` 360 km/day, ``max_walk_speed`` 35 km/day) with every
household motorised, as FLEE moves every agent at ``max_move_speed`` by default
(``start_on_foot: false``); capacities exactly as the folder gives them; as in FLEE, journeys last
until the agent reaches a camp (no settling on the way) and nobody goes home. Everything else
keeps the model's defaults (sim/config/scenario.py)."""


def strikes(case: FleeCase, region: Region, days: int) -> list[dict]:
    """Each run of days at one positive intensity at one zone, as a strike."""
    out = []
    for name, level in case.intensity(days).items():
        if name not in region.kind:
            continue
        level = np.round(level, 6)
        start = 0
        for t in range(1, days + 1):
            if t == days or level[t] != level[start]:
                if level[start] > 0:
                    out.append({"place": name, "start_day": start, "end_day": t - 1,
                                "level": float(level[start])})
                start = t
    return out


def road_closures(case: FleeCase, region: Region, days: int) -> tuple[list[dict], list[str]]:
    out, notes = [], []
    for c in case.closures:
        if c.start_day >= days:
            continue
        end = None if c.end_day is None or c.end_day >= days else c.end_day - 1
        if c.closure_type == "remove_forced_redirection":
            continue
        if c.closure_type == "link":
            roads = [(c.name1, c.name2)] if region.has_road(c.name1, c.name2) else []
            if not roads:
                notes.append(f"closures.csv line {c.line}: no route {c.name1!r}-{c.name2!r}; "
                             "closure left out")
        elif c.closure_type == "country":
            pair = {c.name1, c.name2}
            roads = [(a, b) for a, b in region.roads
                     if {region.country[a], region.country[b]} == pair
                     and region.country[a] != region.country[b]]
        else:   # location, camp, idpcamp
            roads = region.roads_at(c.name1)
        for a, b in roads:
            out.append({"from": a, "to": b, "start_day": c.start_day, "end_day": end})
    return out, notes


def observed_total(counts: CampCounts, from_total_file: bool = False) -> np.ndarray:
    """People FLEE puts in the system by day: the sum over the observed camps (FLEE's default
    ``sum_from_camps``), or the folder's ``total`` row."""
    if from_total_file and counts.total_people is not None:
        return counts.total_people
    return counts.people.sum(axis=1)


def build_scenario(case: FleeCase, region: Region, region_ref: str, *,
                   counts: CampCounts | None = None, spawning: bool = True, seed: int = 0,
                   days: int | None = None, from_total_file: bool = False) -> tuple[dict, list[str]]:
    """The scenario mapping (ready for YAML) and notes on what was left out."""
    days = days or case.period.days
    closures, notes = road_closures(case, region, days)
    sc: dict = {
        "name": case.name,
        "title": f"FLEE case {case.name}",
        "description": f"Converted from the FLEE input folder {case.folder} (docs/flee.md).",
        "region": region_ref,
        "start_date": case.period.start_date.isoformat(),
        "days": days,
        "seed": seed,
        "population": dict(FLEE_DEFAULTS["population"]),
        "conflict": {"strikes": strikes(case, region, days), "road_closures": closures},
        "movement": dict(FLEE_DEFAULTS["movement"]),
        "capacity": dict(FLEE_DEFAULTS["capacity"]),
        "returns": dict(FLEE_DEFAULTS["returns"]),
    }
    day0 = {}
    if counts is not None:
        in_region = [j for j, c in enumerate(counts.camps) if region.kind.get(c) == "camp"]
        missing = [c for c in counts.camps if region.kind.get(c) != "camp"]
        if missing:
            notes.append(f"observed camps not among the region's camps (their people still "
                         f"enter, as in FLEE): {', '.join(missing)}")
        day0 = {counts.camps[j]: int(counts.people[0, j]) for j in in_region
                if counts.people[0, j] > 0}
    if spawning and counts is not None:
        sc["spawning"] = {"mode": "observed_total",
                          "observed_total_people": [int(v) for v in observed_total(
                              counts, from_total_file)[:days]],
                          "initial_people_by_place": day0}
    else:   # our flight-decision model: the places' populations live there on day 0
        people = sum(int(round(loc.population)) for loc in case.locations
                     if not loc.is_camp and loc.name in region.kind)
        sc["population"]["total_people"] = max(people + sum(day0.values()), 1)
        if day0:
            sc["population"]["people_by_place"] = day0
    return sc, notes


def write_scenario(scenario: dict, path: str | Path, notes: list[str] = ()) -> Path:
    head = ["# FLEE case converted by idlib-sim (docs/flee.md). Edit and rerun with",
            "#   idlib-sim run " + Path(path).name,
            "# Parameters not set here are the model's defaults (sim/config/scenario.py)."]
    head += [f"# note: {n}" for n in notes]
    body = yaml.safe_dump(scenario, sort_keys=False, default_flow_style=None, width=100,
                          allow_unicode=True)
    return write_text(path, "\n".join(head) + "\n" + body)
