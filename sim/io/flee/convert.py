"""A FLEE case as a region folder of our own format (``sim/world/geography.py``).

How FLEE's places become ours (docs/flee.md, "Conversion"):

* conflict zones, towns, forwarding hubs and markers -> ``town``; FLEE's population is the
  town's ``population_people`` (the weight of where people enter in spawning mode, or the
  residents in flight-decision mode). Their host capacity is 0: in FLEE displaced people
  settle in camps, towns are places they pass, so a town is never a destination.
* camps and IDP camps -> ``camp`` with FLEE's capacity as ``camp_capacity_people``; an empty
  or zero capacity is unlimited, as in FLEE (``getCapMultiplier``: a capacity below 1 never
  restricts). Camps hold no residents in the region; the people in them on day 0 come from
  the observations (the scenario's ``spawning.initial_people_by_place``).
* FLEE's region -> ``subdistrict`` (the origin used in reports), its country -> ``district``
  and ``governorate``, and one group per country in ``groups.csv``. No place is held by an
  advancing side (``control`` ``none``).
* routes -> roads of FLEE's length with no daily capacity limit (FLEE has none). A repeated
  route keeps its shortest length; a route of length 0 gets 0.5 km (our minimum). Places
  cut off from the largest connected part of the graph are left out and reported.

Forced redirection needs no rule of its own: a forwarding hub has no capacity, so nobody
stops there and people travel on to a camp, which is what FLEE's redirection does.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import networkx as nx

from sim.io.atomic import atomic_path, write_text
from sim.io.flee.case import FleeCase

UNLIMITED_PEOPLE = 1_000_000_000
"""Capacity standing for "no limit" (FLEE camps without a capacity, FLEE routes)."""
MIN_ROAD_KM = 0.5

LOCATION_HEADER = ("name", "kind", "subdistrict", "district", "governorate", "lat", "lon",
                   "control", "population_people", "idp_people", "camp_capacity_people",
                   "host_capacity_people", "flee_type", "source", "note")
ROAD_HEADER = ("from", "to", "road", "road_class", "distance_km", "capacity_people_per_day",
               "source", "distance_method", "note")


@dataclass
class Region:
    """What the conversion kept: places, roads and what it had to leave out or change."""

    folder: Path
    places: list[str]
    kind: dict[str, str]
    country: dict[str, str]
    roads: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)

    def roads_at(self, name: str) -> list[tuple[str, str]]:
        return [r for r in self.roads if name in r]

    def has_road(self, a: str, b: str) -> bool:
        return (a, b) in self.roads or (b, a) in self.roads


def region_tables(case: FleeCase) -> tuple[list[dict], list[dict], list[str]]:
    """Rows of locations.csv and roads.csv, and notes on what was changed."""
    notes: list[str] = []
    best: dict[frozenset, tuple[float, object]] = {}
    for r in case.routes:
        if r.name1 == r.name2:
            notes.append(f"routes.csv line {r.line}: a route from {r.name1!r} to itself is left out")
            continue
        key = frozenset((r.name1, r.name2))
        if key in best:
            notes.append(f"routes.csv line {r.line}: {r.name1!r}-{r.name2!r} is listed twice; "
                         "the shorter length is kept")
        if key not in best or r.distance_km < best[key][0]:
            best[key] = (r.distance_km, r)
    g = nx.Graph()
    g.add_nodes_from(loc.name for loc in case.locations)
    g.add_edges_from(tuple(k) for k in best)
    keep = max(nx.connected_components(g), key=len)
    dropped = [loc.name for loc in case.locations if loc.name not in keep]
    if dropped:
        notes.append(f"{len(dropped)} place(s) not connected to the rest of the route graph "
                     f"are left out: {', '.join(dropped[:8])}" + (" ..." if len(dropped) > 8 else ""))
    locations = []
    for loc in case.locations:
        if loc.name not in keep:
            continue
        camp = loc.is_camp
        capacity = loc.population if camp and loc.population >= 1 else (UNLIMITED_PEOPLE if camp else 0)
        locations.append({
            "name": loc.name, "kind": "camp" if camp else "town",
            "subdistrict": loc.region or loc.name, "district": loc.country,
            "governorate": loc.country, "lat": loc.lat, "lon": loc.lon, "control": "none",
            "population_people": 0 if camp else int(round(loc.population)), "idp_people": 0,
            "camp_capacity_people": int(round(capacity)), "host_capacity_people": 0,
            "flee_type": loc.location_type, "source": f"FLEE locations.csv line {loc.line}",
            "note": "unlimited capacity (none given)" if camp and loc.population < 1 else "",
        })
    roads = []
    for n, (length, r) in enumerate(sorted(best.values(), key=lambda v: v[1].line), start=1):
        if r.name1 not in keep:
            continue
        note = {1: f"FLEE forced redirection towards {r.name1}",
                2: f"FLEE forced redirection towards {r.name2}"}.get(r.forced_redirection, "")
        if length < MIN_ROAD_KM:
            note = (note + "; " if note else "") + f"FLEE length {length:g} km raised to {MIN_ROAD_KM} km"
        roads.append({
            "from": r.name1, "to": r.name2, "road": f"R{n}", "road_class": "flee_route",
            "distance_km": max(length, MIN_ROAD_KM), "capacity_people_per_day": UNLIMITED_PEOPLE,
            "source": f"FLEE routes.csv line {r.line}", "distance_method": "FLEE route length",
            "note": note,
        })
    return locations, roads, notes


def write_region(case: FleeCase, folder: str | Path) -> Region:
    """Write ``locations.csv``, ``roads.csv``, ``groups.csv`` and ``sources.md`` into ``folder``."""
    folder = Path(folder)
    locations, roads, notes = region_tables(case)
    _write_csv(folder / "locations.csv", LOCATION_HEADER, locations)
    _write_csv(folder / "roads.csv", ROAD_HEADER, roads)
    groups = [{"group": row["district"] or "unknown", "place": row["name"],
               "source": "FLEE locations.csv (country)", "note": ""} for row in locations]
    groups += [{"group": "camps", "place": row["name"], "source": "FLEE locations.csv (camps)",
                "note": ""} for row in locations if row["kind"] == "camp"]
    _write_csv(folder / "groups.csv", ("group", "place", "source", "note"), groups)
    write_text(folder / "sources.md", _sources(case, notes))
    return Region(folder=folder, places=[r["name"] for r in locations],
                  kind={r["name"]: r["kind"] for r in locations},
                  country={r["name"]: r["district"] for r in locations},
                  roads=[(r["from"], r["to"]) for r in roads], notes=notes)


def _write_csv(path: Path, header: tuple[str, ...], rows: list[dict]) -> None:
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header)
        w.writeheader()
        w.writerows(rows)


def _sources(case: FleeCase, notes: list[str]) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    lines = [f"# Region {case.name}: converted from a FLEE input folder", "",
             f"Converted on {now} by `idlib-sim flee-import` from `{case.folder}`.",
             "Every place and road row names the FLEE file and line it comes from; the rules of",
             "the conversion are in docs/flee.md (Conversion). The facts are FLEE's: cite the",
             "FLEE case's own sources.", ""]
    if notes:
        lines += ["## Changes made in conversion", ""] + [f"* {n}" for n in notes] + [""]
    return "\n".join(lines)
