"""FLEE's timing files: the period, closures, conflict intensities and registration corrections.

* ``sim_period.csv`` (FLEE 3) or ``conflict_period.csv`` (older): ``StartDate,YYYY-MM-DD`` and
  ``Length,<days>`` rows (``flee/datamanager/read_period.py``).
* ``closures.csv``: ``closure_type,name1,name2,closure_start,closure_end``; types ``country``
  (every route between two countries), ``location`` (every route at a place), ``link`` (one
  route), ``camp`` / ``idpcamp`` (a camp stops receiving) and ``remove_forced_redirection``.
  Days count from the start; FLEE closes on ``closure_start`` and reopens on ``closure_end``,
  ``-1`` meaning never (docs: "Define location and border closures").
* ``conflicts.csv``: ``#Day,<zone>,<zone>,...``, one row per day from day 0, the conflict
  intensity (0-1) at each zone; when present it replaces locations.csv's conflict dates.
* ``registration_corrections.csv``: ``<camp>,YYYY-MM-DD[,...]`` - the camp's counts before that
  date are scaled so they join the first count on that date without a jump
  (``RefugeeTable.correctLevel1Registrations``).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.io.flee.rows import iso_date, normalise, number, read_rows, whole

CLOSURE_TYPES = ("country", "location", "link", "camp", "idpcamp", "remove_forced_redirection")
PERIOD_FILES = ("sim_period.csv", "conflict_period.csv")


@dataclass(frozen=True)
class FleePeriod:
    start_date: date
    days: int
    path: Path


@dataclass(frozen=True)
class FleeClosure:
    closure_type: str
    name1: str
    name2: str
    start_day: int
    end_day: int | None        # FLEE reopens on this day; None = never (-1)
    line: int


@dataclass(frozen=True)
class RegistrationCorrection:
    camp: str
    on: date
    line: int


def read_period(folder: Path) -> FleePeriod:
    path = next((folder / f for f in PERIOD_FILES if (folder / f).is_file()), None)
    if path is None:
        raise InputError(f"no {' or '.join(PERIOD_FILES)}; add one with the rows "
                         "StartDate,YYYY-MM-DD and Length,<days>", where=str(folder))
    table = read_rows(path)
    values = {normalise(r.cells[0]): r for r in table.rows}
    for key, field in (("startdate", "StartDate,YYYY-MM-DD"), ("length", "Length,<days>")):
        if key not in values:
            raise InputError(f"no {field.split(',')[0]} row; add {field}", where=str(path))
    start = iso_date(values["startdate"].get(1), table.where(values["startdate"]), "StartDate")
    days = whole(table, values["length"], 1, "Length", minimum=1)
    return FleePeriod(start, days, path)


def read_closures(path: Path, names: set[str], countries: set[str]) -> tuple[FleeClosure, ...]:
    if not path.is_file():
        return ()
    table = read_rows(path, header_first=("closure_type",))
    out = []
    for row in table.rows:
        at = table.where(row)
        kind = normalise(row.get(0))
        if kind not in CLOSURE_TYPES:
            hint = difflib.get_close_matches(kind, CLOSURE_TYPES, n=1)
            raise InputError(f"unknown closure_type {row.get(0)!r}; use one of "
                             f"{', '.join(CLOSURE_TYPES)}" + (f" (did you mean {hint[0]!r}?)"
                                                              if hint else ""),
                             where=at, field="closure_type")
        if len(row.cells) < 5:
            raise InputError("a closure needs closure_type,name1,name2,closure_start,closure_end",
                             where=at)
        known, what = (countries, "country") if kind == "country" else (names, "location")
        need_second = kind in ("country", "link", "remove_forced_redirection")
        for field, name in (("name1", row.get(1)), ("name2", row.get(2))):
            if field == "name2" and not need_second:
                continue
            if name not in known:
                hint = difflib.get_close_matches(name, sorted(known), n=1)
                raise InputError(f"unknown {what} {name!r}" + (f"; did you mean {hint[0]!r}?"
                                                               if hint else ""),
                                 where=at, field=field)
        start = whole(table, row, 3, "closure_start", minimum=0)
        end = whole(table, row, 4, "closure_end", minimum=-1)
        if end != -1 and end <= start:
            raise InputError(f"closure_end {end} is not after closure_start {start}; use -1 to "
                             "keep it closed to the end", where=at, field="closure_end")
        out.append(FleeClosure(kind, row.get(1), row.get(2), start, None if end == -1 else end,
                               row.line))
    return tuple(out)


def read_conflicts(path: Path, names: set[str]) -> dict[str, np.ndarray] | None:
    """Intensity per day ``{zone: array[day]}``, or None when the folder has no conflicts.csv.

    Columns that are not locations are allowed only if they never show fighting (FLEE's own
    template carries a ``name`` column of zeros)."""
    if not path.is_file():
        return None
    table = read_rows(path, header_first=("day",))
    if not table.header or table.header[0] != "day":
        raise InputError("the first line must be the header #Day,<zone>,<zone>,...",
                         where=str(path))
    if not table.rows:
        raise InputError("no rows; give one row per day from day 0", where=str(path))
    header = table.header
    values = np.zeros((len(table.rows), len(header)))
    for t, row in enumerate(table.rows):
        day = whole(table, row, 0, "Day", minimum=0)
        if day != t:
            raise InputError(f"day {day} on the row for day {t}; rows must count 0, 1, 2, ... "
                             "without gaps", where=table.where(row), field="Day")
        if len(row.cells) > len(header):
            raise InputError(f"{len(row.cells)} cells but the header names {len(header)} columns",
                             where=table.where(row))
        for j in range(1, len(header)):
            values[t, j] = number(table, row, j, header[j] or f"column {j + 1}", default=0.0,
                                  minimum=0.0)
    by_name = {normalise(n): n for n in names}
    out = {}
    for j, col in enumerate(header[1:], start=1):
        if not col:
            continue
        if col not in by_name:
            if values[:, j].any():
                hint = difflib.get_close_matches(col, sorted(by_name), n=1)
                raise InputError(f"conflict zone {table.header_text[j]!r} is not in locations.csv"
                                 + (f"; did you mean {by_name[hint[0]]!r}?" if hint else ""),
                                 where=str(path), field=col)
            continue
        out[by_name[col]] = values[:, j].copy()
    return out


def read_corrections(path: Path) -> tuple[RegistrationCorrection, ...]:
    if not path.is_file():
        return ()
    table = read_rows(path)
    out = []
    for row in table.rows:
        if len(row.cells) < 2:
            raise InputError("a correction needs <camp>,YYYY-MM-DD", where=table.where(row))
        out.append(RegistrationCorrection(row.get(0), iso_date(row.get(1), table.where(row), "date"),
                                          row.line))
    return tuple(out)
