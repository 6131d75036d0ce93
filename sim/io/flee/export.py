"""A region of our own format written as a FLEE 3.x case folder (the reverse of :mod:`convert`).

    folder = write_case_folder(geography, "tmp/idlib", conflict_zones=["Saraqib"], days=5,
                               start_date=date(2018, 9, 10))

Writes ``<folder>/input_csv/`` with ``locations.csv``, ``routes.csv``, ``sim_period.csv`` and a
header-only ``closures.csv`` (FLEE's reader needs the file), laid out as FabFlee's
``config_files/<case>/`` so that both FLEE (``flee.InputGeography``) and our reader
(:func:`sim.io.flee.read_input_folder`) take it. Used by ``idlib-sim bench --vs-flee`` to run
FLEE on the same places and roads as our model; only the graph is carried over:

* ``town`` and ``village`` -> FLEE ``town`` (``conflict_zone`` for the places named in
  ``conflict_zones``, fighting from day 0) with ``population_people`` as its population;
* ``camp`` -> FLEE ``camp`` with ``camp_capacity_people`` as its capacity;
* ``external`` (hosts outside the simulated population) -> FLEE ``camp`` with
  ``host_capacity_people``: in FLEE the places people stay are camps;
* ``crossing`` -> FLEE ``town`` with no population (a place passed through);
* roads -> routes of the road's length (FLEE's routes carry no capacity); the sub-district
  becomes FLEE's region and every place is in one country (``Syria``).

Border policy, road capacities and closures are not carried over.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from sim.errors import InputError
from sim.io.atomic import write_text

FLEE_TYPE = {"town": "town", "village": "town", "crossing": "town", "camp": "camp",
             "external": "camp"}
"""Our kind of place -> FLEE's location_type (conflict zones are set by name)."""
COUNTRY = "Syria"
LOCATIONS_HEADER = ("#name", "region", "country", "lat", "lon", "location_type",
                    "conflict_date", "pop/cap")
ROUTES_HEADER = ("#name1", "name2", "distance", "forced_redirection")
CLOSURES_HEADER = ("#closure_type", "name1", "name2", "closure_start", "closure_end")


def location_rows(geography, conflict_zones: Iterable[str] = ()) -> list[tuple[str, ...]]:
    """One FLEE ``locations.csv`` row per place, in the geography's order."""
    zones = set(conflict_zones)
    unknown = sorted(zones - set(geography.names))
    if unknown:
        raise InputError(f"conflict zone(s) {', '.join(map(repr, unknown))} are not places of "
                         f"region {geography.region!r}")
    rows = []
    for i, name in enumerate(geography.names):
        kind = str(geography.kind[i])
        flee_type = "conflict_zone" if name in zones else FLEE_TYPE[kind]
        if kind == "camp":
            size = geography.camp_capacity_people[i]
        elif kind == "external":
            size = geography.host_capacity_people[i]
        elif kind == "crossing":
            size = 0
        else:
            size = geography.population_people[i]
        rows.append((name, str(geography.subdistrict[i]), COUNTRY, f"{geography.lat[i]:.6f}",
                     f"{geography.lon[i]:.6f}", flee_type, "0" if name in zones else "",
                     str(int(round(size)))))
    return rows


def route_rows(geography) -> list[tuple[str, ...]]:
    """One FLEE ``routes.csv`` row per road: both ends, the length in km, no redirection."""
    names = geography.names
    return [(names[int(a)], names[int(b)], f"{km:g}", "0")
            for a, b, km in zip(geography.edge_from, geography.edge_to, geography.edge_length_km)]


def _csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue()


def write_case_folder(geography, folder: str | Path, *, conflict_zones: Iterable[str] = (),
                      days: int, start_date: date) -> Path:
    """Write the FLEE case ``folder`` (``input_csv/`` inside); return the ``input_csv`` path."""
    locations = location_rows(geography, conflict_zones)   # checked before anything is written
    inputs = Path(folder) / "input_csv"
    inputs.mkdir(parents=True, exist_ok=True)
    write_text(inputs / "locations.csv", _csv(LOCATIONS_HEADER, locations))
    write_text(inputs / "routes.csv", _csv(ROUTES_HEADER, route_rows(geography)))
    write_text(inputs / "sim_period.csv", f"StartDate,{start_date.isoformat()}\nLength,{days}\n")
    write_text(inputs / "closures.csv", _csv(CLOSURES_HEADER, []))
    return inputs
