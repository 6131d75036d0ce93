"""A FLEE input folder read whole: the location graph, the timing files, checked together.

A FLEE case is a folder ``input_csv/`` (FabFlee's ``config_files/<case>/input_csv``) holding
``locations.csv`` and ``routes.csv`` (required), ``sim_period.csv`` or ``conflict_period.csv``
(required), and ``closures.csv``, ``conflicts.csv``, ``registration_corrections.csv``
(optional). The case folder itself (with ``input_csv/`` inside) is accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.io.flee.geography import FleeLocation, FleeRoute, read_locations, read_routes
from sim.io.flee.schedule import (
    FleeClosure,
    FleePeriod,
    RegistrationCorrection,
    read_closures,
    read_conflicts,
    read_corrections,
    read_period,
)


@dataclass(frozen=True, eq=False)
class FleeCase:
    """Everything a FLEE input folder says, validated."""

    folder: Path
    name: str
    locations: tuple[FleeLocation, ...]
    routes: tuple[FleeRoute, ...]
    period: FleePeriod
    closures: tuple[FleeClosure, ...]
    conflicts: dict[str, np.ndarray] | None     # conflicts.csv, or None (use conflict dates)
    corrections: tuple[RegistrationCorrection, ...]

    @property
    def camps(self) -> list[str]:
        return [loc.name for loc in self.locations if loc.is_camp]

    def location(self, name: str) -> FleeLocation:
        return next(loc for loc in self.locations if loc.name == name)

    def intensity(self, days: int) -> dict[str, np.ndarray]:
        """Conflict intensity per zone and day (0-1) over ``days`` days.

        From conflicts.csv when the folder has one (its last row holds after its end), else
        FLEE's rule without it: a conflict zone is at intensity 1 from its conflict date on.
        """
        out = {}
        if self.conflicts is not None:
            for name, series in self.conflicts.items():
                idx = np.minimum(np.arange(days), len(series) - 1)
                out[name] = np.clip(series[idx], 0.0, 1.0)
            return out
        for loc in self.locations:
            if loc.location_type == "conflict_zone":
                level = np.zeros(days)
                level[min(loc.conflict_day or 0, days):] = 1.0
                out[loc.name] = level
        return out


def input_folder(path: str | Path) -> Path:
    """The folder holding locations.csv: ``path`` itself or its ``input_csv/``."""
    path = Path(path)
    if not path.is_dir():
        raise InputError("not a folder; give a FLEE input folder (input_csv/ with "
                         "locations.csv and routes.csv)", where=str(path))
    for candidate in (path, path / "input_csv"):
        if (candidate / "locations.csv").is_file():
            return candidate
    raise InputError("no locations.csv here or in input_csv/; give a FLEE input folder",
                     where=str(path))


def case_name(folder: Path) -> str:
    """A scenario name from the folder: ``.../mali2012/input_csv`` -> ``mali2012``."""
    base = folder.resolve()
    if base.name.lower() in ("input_csv", "input", "inputs") and base.parent.name:
        base = base.parent
    name = re.sub(r"[^A-Za-z0-9_\-]+", "_", base.name).strip("_")
    return name or "flee_case"


def read_input_folder(path: str | Path) -> FleeCase:
    folder = input_folder(path)
    locations = read_locations(folder / "locations.csv")
    names = {loc.name for loc in locations}
    countries = {loc.country for loc in locations}
    routes = read_routes(folder / "routes.csv", names)
    period = read_period(folder)
    closures = read_closures(folder / "closures.csv", names, countries)
    conflicts = read_conflicts(folder / "conflicts.csv", names)
    corrections = read_corrections(folder / "registration_corrections.csv")
    camps = {loc.name for loc in locations if loc.is_camp}
    for c in closures:
        if c.closure_type in ("camp", "idpcamp") and c.name1 not in camps:
            raise InputError(f"{c.name1!r} is not a camp in locations.csv; close it with a "
                             "'location' closure instead",
                             where=f"{folder / 'closures.csv'} line {c.line}", field="name1")
    return FleeCase(folder=folder, name=case_name(folder), locations=locations, routes=routes,
                    period=period, closures=closures, conflicts=conflicts,
                    corrections=corrections)
