"""FLEE validation folders (``source_data/``): observed people per camp, by day.

``data_layout.csv`` lists ``<name>,<file>[,<file>...]`` - conventionally ``total,refugees.csv``
first, then one row per camp; several files on a row are added up (FLEE does this for CAR).
Each data file holds ``YYYY-MM-DD,<people>`` rows, with or without a ``Date,...`` or
``#Date,...`` header. Between dated counts FLEE interpolates linearly, before the first it
holds the first, after the last the last, and truncates to whole people
(``DataTable.get_interpolated_data``); :func:`daily_people` does the same.

A registration correction (``registration_corrections.csv`` of the input folder) scales a
camp's counts before the named date by (count on the date / count before it), FLEE's
correction for level-1 registrations counted too high.

The same daily counts can be kept in a tidy CSV, ``date,camp,people`` (one row per camp and
day), which ``idlib-sim flee-run`` writes and ``idlib-sim validate`` reads for any run.
"""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.io.atomic import atomic_path
from sim.io.flee.rows import iso_date, normalise, number, read_rows
from sim.io.flee.schedule import RegistrationCorrection

TOTAL = "total"
TIDY_COLUMNS = ("date", "camp", "people")


@dataclass(frozen=True, eq=False)
class Series:
    """Dated counts from one file (sorted by date, one count per date)."""

    path: Path
    dates: tuple[date, ...]
    people: np.ndarray


@dataclass(frozen=True, eq=False)
class FleeValidation:
    folder: Path
    total: tuple[Series, ...]               # the data_layout row named "total" (may be empty)
    camps: dict[str, tuple[Series, ...]]    # per camp, in data_layout order


@dataclass(frozen=True, eq=False)
class CampCounts:
    """Observed people per camp and day (whole people), on consecutive days from ``start``."""

    start: date
    camps: tuple[str, ...]
    people: np.ndarray                      # [day, camp]
    total_people: np.ndarray | None = None  # [day] the "total" row, when the folder has one

    @property
    def dates(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, periods=self.people.shape[0], freq="D")


def read_series(path: Path) -> Series:
    table = read_rows(path, header_first=("date", "datetime"))
    dated: dict[date, float] = {}
    for row in table.rows:
        if len(row.cells) < 2 or row.get(1) == "":      # FLEE skips rows without a count
            continue
        when = iso_date(row.get(0), table.where(row), "date")
        dated[when] = number(table, row, 1, "count", minimum=0.0)   # a repeated date: last wins
    if not dated:
        raise InputError("no dated counts; rows are YYYY-MM-DD,<people>", where=str(path))
    days = sorted(dated)
    return Series(path, tuple(days), np.array([dated[d] for d in days], dtype=float))


def read_validation_folder(path: str | Path) -> FleeValidation:
    folder = Path(path)
    layout = folder / "data_layout.csv"
    if not folder.is_dir() or not layout.is_file():
        raise InputError("no data_layout.csv; give a FLEE validation folder (source_data/)",
                         where=str(folder))
    table = read_rows(layout)
    total: tuple[Series, ...] = ()
    camps: dict[str, tuple[Series, ...]] = {}
    for row in table.rows:
        if len(row.cells) < 2:
            raise InputError("a data_layout row needs <name>,<file>", where=table.where(row))
        files = []
        for rel in row.cells[1:]:
            f = folder / rel
            if not f.is_file():
                raise InputError(f"data file {rel!r} not found in {folder}", where=table.where(row))
            files.append(read_series(f))
        if normalise(row.get(0)) == TOTAL:
            total = tuple(files)
        elif row.get(0) in camps:
            raise InputError(f"camp {row.get(0)!r} is listed twice", where=table.where(row))
        else:
            camps[row.get(0)] = tuple(files)
    if not camps:
        raise InputError("no camp rows; data_layout.csv lists total,<file> then <camp>,<file>",
                         where=str(layout))
    return FleeValidation(folder, total, camps)


def corrected(validation: FleeValidation,
              corrections: tuple[RegistrationCorrection, ...]) -> FleeValidation:
    """The folder's counts with the registration corrections applied."""
    camps = dict(validation.camps)
    for c in corrections:
        if c.camp not in camps:
            hint = difflib.get_close_matches(c.camp, list(camps), n=1)
            raise InputError(f"registration correction for {c.camp!r}, which has no data in "
                             f"{validation.folder / 'data_layout.csv'}"
                             + (f"; did you mean {hint[0]!r}?" if hint else ""),
                             where=f"registration_corrections.csv line {c.line}")
        parts = list(camps[c.camp])
        hit = [k for k, s in enumerate(parts) if c.on in s.dates[1:]]
        if not hit:
            raise InputError(f"{c.camp!r} has no count dated {c.on} after its first; a "
                             "correction names the date of the first corrected count",
                             where=f"registration_corrections.csv line {c.line}")
        s = parts[hit[0]]
        i = s.dates.index(c.on)
        people = s.people.copy()
        if people[i - 1] > 0:
            people[:i] *= people[i] / people[i - 1]
        parts[hit[0]] = Series(s.path, s.dates, people)
        camps[c.camp] = tuple(parts)
    return FleeValidation(validation.folder, validation.total, camps)


def daily_people(parts: tuple[Series, ...], start: date, days: int) -> np.ndarray:
    """Whole people on each day ``start + t``: FLEE's interpolation, summed over the files."""
    t = np.arange(days)
    out = np.zeros(days)
    for s in parts:
        x = np.array([(d - start).days for d in s.dates], dtype=float)
        out += np.interp(t, x, s.people)
    return np.floor(out + 1e-9).astype(np.int64)


def camp_counts(validation: FleeValidation, start: date, days: int) -> CampCounts:
    names = tuple(validation.camps)
    people = np.column_stack([daily_people(validation.camps[c], start, days) for c in names])
    total = daily_people(validation.total, start, days) if validation.total else None
    return CampCounts(start, names, people, total)


def write_tidy(counts: CampCounts, path: Path) -> Path:
    with atomic_path(path) as tmp, open(tmp, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(TIDY_COLUMNS)
        for t, day in enumerate(counts.dates.date):
            for j, camp in enumerate(counts.camps):
                w.writerow([day.isoformat(), camp, int(counts.people[t, j])])
    return Path(path)


def read_tidy(path: Path) -> CampCounts:
    """A ``date,camp,people`` CSV; each camp needs a count on every day of the span."""
    try:
        df = pd.read_csv(path, dtype={"camp": str})
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(f"unreadable CSV ({type(exc).__name__}); header is date,camp,people",
                         where=str(path)) from None
    missing = [c for c in TIDY_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; the header is "
                         "date,camp,people", where=str(path))
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    people = pd.to_numeric(df["people"], errors="coerce")
    bad = dates.isna() | people.isna() | (people < 0)
    if bad.any():
        line = int(np.flatnonzero(bad.values)[0]) + 2
        raise InputError("date must be YYYY-MM-DD and people a number >= 0",
                         where=f"{path} line {line}")
    wide = pd.DataFrame({"date": dates, "camp": df["camp"], "people": people}).pivot_table(
        index="date", columns="camp", values="people", aggfunc="last", sort=False)
    full = pd.date_range(wide.index.min(), wide.index.max(), freq="D")
    wide = wide.reindex(full)
    if wide.isna().any().any():
        camp = wide.columns[wide.isna().any()][0]
        raise InputError(f"camp {camp!r} has no count on some days; give every camp a count on "
                         "every day", where=str(path))
    return CampCounts(full[0].date(), tuple(str(c) for c in wide.columns),
                      wide.to_numpy(dtype=float).round().astype(np.int64))


def load_camp_counts(path: str | Path) -> CampCounts:
    """Per-camp observations from a FLEE validation folder or a tidy ``date,camp,people`` CSV.

    A FLEE folder has no period of its own: its counts run from its first to its last date.
    """
    path = Path(path)
    if path.is_dir():
        v = read_validation_folder(path)
        dates = [d for parts in v.camps.values() for s in parts for d in s.dates]
        start, end = min(dates), max(dates)
        return camp_counts(v, start, (end - start).days + 1)
    if not path.is_file():
        raise InputError("file not found; give a FLEE validation folder or a date,camp,people "
                         "CSV", where=str(path))
    return read_tidy(path)


def window(counts: CampCounts, start: date, days: int) -> CampCounts:
    """The counts on ``days`` days from ``start``; days outside the observations hold the
    nearest observed day (FLEE's rule for interpolation beyond the data)."""
    offset = (start - counts.start).days
    idx = np.clip(np.arange(days) + offset, 0, counts.people.shape[0] - 1)
    total = counts.total_people[idx] if counts.total_people is not None else None
    return CampCounts(start, counts.camps, counts.people[idx], total)
