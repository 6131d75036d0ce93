"""Observed displacement figures (CSV), validated once into frozen rows.

Format (as ``scenarios/observed/observed_2019_offensive.csv``)::

    date_start,date_end,measure,area,value,source_id,note

``measure`` is one of ``people_displaced`` (people who left home in the window, each once),
``displacements`` (movements: a person moving twice counts twice), ``arrivals`` (people
arriving into the area), ``in_sites`` (of the people displaced in the window, those in
camps or reception centres at its end) and ``new_idps_present`` (people displaced since the
window's start who are in the area at its end: what OCHA and the CCCM cluster report as "new
IDPs in sub-district X"). ``area`` is ``all``, a sub-district (OCHA P-code such
as ``SY070301`` or name such as ``Dana``), a district or a named group of places of the
geography (``sim/data/<region>/groups.csv``).
"""

from __future__ import annotations

import csv
import difflib
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sim.errors import InputError

MEASURES = ("people_displaced", "displacements", "arrivals", "in_sites", "new_idps_present")
COLUMNS = ("date_start", "date_end", "measure", "area", "value", "source_id")


@dataclass(frozen=True)
class ObservedRow:
    line: int
    date_start: date
    date_end: date
    measure: str
    area: str
    value: float
    source_id: str
    note: str = ""


def known_areas(geo) -> list[str]:
    return ["all", *sorted({str(s) for s in geo.subdistrict if s}),
            *sorted({str(p) for p in geo.subdistrict_pcode if p}),
            *sorted({str(d) for d in geo.district if d}), *sorted(geo.groups)]


def load_observed(path: str | Path, geo) -> list[ObservedRow]:
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError("file not found; give an observed-figures CSV "
                         "(see scenarios/observed/)", where=where)
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}; the header must be "
                             f"{','.join(COLUMNS)},note", where=where)
        rows = list(reader)
    if not rows:
        raise InputError("no rows; add at least one observed figure", where=where)
    areas = known_areas(geo)
    out = []
    for n, r in enumerate(rows, start=2):
        at = f"{where} line {n}"
        try:
            start = date.fromisoformat(r["date_start"].strip())
            end = date.fromisoformat(r["date_end"].strip())
        except ValueError:
            raise InputError("dates must be YYYY-MM-DD", where=at, field="date_start/date_end") from None
        if end < start:
            raise InputError(f"date_end {end} is before date_start {start}; swap them",
                             where=at, field="date_end")
        measure = r["measure"].strip()
        if measure not in MEASURES:
            hint = difflib.get_close_matches(measure, MEASURES, n=1)
            raise InputError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}"
                             + (f" (did you mean {hint[0]!r}?)" if hint else ""),
                             where=at, field="measure")
        area = r["area"].strip()
        if area not in areas:
            hint = difflib.get_close_matches(area, areas, n=2, cutoff=0.5)
            raise InputError(f"area {area!r} is not in the geography; use 'all', a sub-district "
                             "(P-code or name), a district or a group" + (f" (did you mean {hint}?)" if hint else ""),
                             where=at, field="area")
        try:
            value = float(r["value"])
        except ValueError:
            raise InputError(f"value {r['value']!r} is not a number", where=at, field="value") from None
        if not math.isfinite(value) or value < 0:
            raise InputError(f"value {value} must be a number >= 0", where=at, field="value")
        out.append(ObservedRow(n, start, end, measure, area, value, r["source_id"].strip(),
                               (r.get("note") or "").strip()))
    return out
