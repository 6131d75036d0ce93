"""Parsing of command-line option values shared by several commands (one-line errors)."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from sim.errors import InputError
from sim.io.results import Runs

FIGURE_FORMATS = ("png", "pdf", "svg")


def parse_formats(text: str | None) -> tuple[str, ...]:
    """``png,pdf`` -> ("png", "pdf"); only PNG, PDF and SVG are offered."""
    if text is None:
        return ("png", "pdf")
    fmts = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in text.split(",") if f.strip()))
    bad = [f for f in fmts if f not in FIGURE_FORMATS]
    if bad or not fmts:
        raise InputError(f"unknown format {bad[0] if bad else text!r}; use any of "
                         f"{', '.join(FIGURE_FORMATS)}, comma-separated", field="--format")
    return fmts


def parse_days(text: str | None) -> tuple[int, ...] | None:
    """``7,30,90`` -> (7, 30, 90): days since the start for the small-multiple maps."""
    if text is None:
        return None
    try:
        days = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise InputError(f"{text!r} is not a list of whole days; give e.g. 7,30,90",
                         field="--days") from None
    if not days:
        raise InputError("give at least one day, e.g. 7,30,90", field="--days")
    return days


def parse_window(text: str | None, runs: Runs) -> tuple[int, int]:
    """``START:END`` as dates (YYYY-MM-DD) or day indices (0-based), inclusive; None = all."""
    last = runs.days - 1
    if text is None or text.strip() in ("", ":"):
        return 0, last
    span = f"dates {runs.date(0)} to {runs.date(last)} or day indices 0-{last}"
    if text.count(":") != 1:
        raise InputError(f"{text!r} is not START:END; use {span}",
                         field="--window")
    a, b = (part.strip() for part in text.split(":"))
    i0 = 0 if a == "" else _day_index(a, runs, span)
    i1 = last if b == "" else _day_index(b, runs, span)
    if i0 > i1:
        raise InputError(f"{text!r}: the start is after the end; use {span}",
                         field="--window")
    return i0, i1


def _iso_date(text: str) -> pd.Timestamp | None:
    """``YYYY-MM-DD`` only: pandas would also read 10/09/2018, as 9 October."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return pd.Timestamp(date.fromisoformat(text))
    except ValueError:
        return None


def _day_index(text: str, runs: Runs, span: str) -> int:
    last = runs.days - 1
    if text.lstrip("-").isdigit():
        i = int(text)
        if not 0 <= i <= last:
            raise InputError(f"day {i} is outside the run; use {span}",
                             field="--window")
        return i
    when = _iso_date(text)
    if when is None:
        raise InputError(f"{text!r} is neither a date written YYYY-MM-DD (e.g. 2018-09-10) nor "
                         f"a day index; use {span}", field="--window")
    hits = np.flatnonzero(runs.dates.normalize() == when.normalize())
    if len(hits) == 0:
        raise InputError(f"{text} is outside the run; use {span}",
                         field="--window")
    return int(hits[0])
