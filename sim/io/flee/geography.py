"""FLEE's location graph: ``locations.csv`` and ``routes.csv``.

``locations.csv`` (FLEE 3.x docs, "Simulation instance construction"): name, region, country,
latitude, longitude, location_type, conflict_date, population/capacity, then optional custom
attribute columns. FLEE reads the first eight columns by position; headers differ across
versions and folders (``#name,region,country,lat,long,...,pop/cap``, ``gps_x,gps_y``,
``latitude,longitude,...,population``), so a header whose names we know is read by name and
anything else by position, as FLEE does. Location types are matched as FLEE matches them:
case-insensitive, any type containing "conflict" is a conflict zone, any containing "camp" a
camp (``idpcamp`` an IDP camp).

``routes.csv``: name1, name2, distance (km), forced_redirection (empty/0 none, 1 towards
name1, 2 towards name2), then optional custom attributes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError
from sim.io.flee.rows import Table, normalise, number, read_rows, whole

LOCATION_FIELDS = {
    "name": ("name", "location", "location_name"),
    "region": ("region",),
    "country": ("country",),
    "lat": ("lat", "latitude", "gps_x", "x"),
    "lon": ("lon", "long", "longitude", "gps_y", "y"),
    "location_type": ("location_type", "type", "location type"),
    "conflict_date": ("conflict_date", "conflict date", "conflict_day"),
    "population": ("pop/cap", "population/capacity", "population", "capacity", "pop",
                   "population_or_capacity", "population / capacity"),
}
ROUTE_FIELDS = {
    "name1": ("name1", "from"),
    "name2": ("name2", "to"),
    "distance": ("distance", "distance[km]", "distance_km", "distance (km)"),
    "forced_redirection": ("forced_redirection", "forced redirection"),
}
TYPES = ("conflict_zone", "town", "camp", "idpcamp", "forwarding_hub", "marker")


@dataclass(frozen=True)
class FleeLocation:
    name: str
    region: str
    country: str
    lat: float
    lon: float
    location_type: str             # one of TYPES
    conflict_day: int | None       # day the conflict starts (conflict zones), None otherwise
    population: float              # population (towns, conflict zones) or capacity (camps); 0 if empty
    line: int

    @property
    def is_camp(self) -> bool:
        return self.location_type in ("camp", "idpcamp")


@dataclass(frozen=True)
class FleeRoute:
    name1: str
    name2: str
    distance_km: float
    forced_redirection: int        # 0 none, 1 towards name1, 2 towards name2
    line: int


def columns(table: Table, fields: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index of each field: by header name when every field's name is known, else by
    position (FLEE's own rule: the first columns have fixed meanings)."""
    positional = {f: i for i, f in enumerate(fields)}
    found = {f: table.column(aliases) for f, aliases in fields.items()}
    named = [i for i in found.values() if i is not None]
    if any(found[f] is None for f in list(fields)[:3]) or len(set(named)) != len(named):
        return positional
    # A field the header does not name keeps FLEE's position, unless another field took it.
    return {f: i if i is not None else positional[f] for f, i in found.items()
            if i is not None or positional[f] not in named}


def location_type(text: str, where: str) -> str:
    t = normalise(text).replace(" ", "_").replace("-", "_")
    if "conflict" in t:
        return "conflict_zone"
    if "camp" in t:
        return "idpcamp" if "idp" in t else "camp"
    if t.startswith("forward"):
        return "forwarding_hub"
    if t in ("town", "marker"):
        return t
    hint = difflib.get_close_matches(t, TYPES, n=1)
    raise InputError(f"unknown location_type {text!r}; use one of {', '.join(TYPES)}"
                     + (f" (did you mean {hint[0]!r}?)" if hint else ""), where=where,
                     field="location_type")


def read_locations(path: Path) -> tuple[FleeLocation, ...]:
    table = read_rows(path, header_first=("name",))
    if not table.rows:
        raise InputError("no locations; a FLEE folder needs at least one location row",
                         where=str(path))
    col = columns(table, LOCATION_FIELDS)
    out: list[FleeLocation] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        at = table.where(row)
        name = row.get(col.get("name"))
        if not name:
            raise InputError("empty location name", where=at, field="name")
        if name in seen:
            raise InputError(f"duplicate location {name!r} (first on line {seen[name]}); "
                             "names must be unique", where=at, field="name")
        seen[name] = row.line
        kind = location_type(row.get(col.get("location_type")), at)
        day = None
        if kind == "conflict_zone":    # an empty conflict date: fighting from day 0
            day = whole(table, row, col.get("conflict_date"), "conflict_date", default=0, minimum=0)
        pop_text = row.get(col.get("population"))
        out.append(FleeLocation(
            name=name, region=row.get(col.get("region")), country=row.get(col.get("country")),
            # FLEE reads an empty coordinate as 0.0; so do we.
            lat=number(table, row, col.get("lat"), "latitude", default=0.0),
            lon=number(table, row, col.get("lon"), "longitude", default=0.0),
            location_type=kind, conflict_day=day,
            # Some folders mark "no capacity" with -1: read it as empty.
            population=0.0 if pop_text.startswith("-") else number(
                table, row, col.get("population"), "population/capacity", default=0.0),
            line=row.line))
        if not (-90 <= out[-1].lat <= 90 and -180 <= out[-1].lon <= 180):
            raise InputError(f"coordinates ({out[-1].lat:g}, {out[-1].lon:g}) are outside the "
                             "globe; check the latitude and longitude columns", where=at)
    return tuple(out)


def read_routes(path: Path, names: set[str]) -> tuple[FleeRoute, ...]:
    table = read_rows(path, header_first=("name1",))
    if not table.rows:
        raise InputError("no routes; a FLEE folder needs at least one route row", where=str(path))
    col = columns(table, ROUTE_FIELDS)
    out = []
    for row in table.rows:
        at = table.where(row)
        if len(row.cells) < 3:
            raise InputError(f"a route needs name1, name2 and distance; got {len(row.cells)} "
                             "cell(s) (check the separators)", where=at)
        ends = (row.get(col.get("name1")), row.get(col.get("name2")))
        for field, name in zip(("name1", "name2"), ends):
            if name not in names:
                hint = difflib.get_close_matches(name, sorted(names), n=1)
                fix = f"did you mean {hint[0]!r}?" if hint else "add it to locations.csv"
                raise InputError(f"route to unknown location {name!r}; {fix}", where=at,
                                 field=field)
        redirect = whole(table, row, col.get("forced_redirection"), "forced_redirection",
                         default=0, minimum=0)
        if redirect not in (0, 1, 2):
            raise InputError(f"forced_redirection {redirect} is not 0, 1 or 2", where=at,
                             field="forced_redirection")
        out.append(FleeRoute(ends[0], ends[1],
                             number(table, row, col.get("distance"), "distance", minimum=0.0),
                             redirect, row.line))
    return tuple(out)
