"""Reading FLEE's CSV files: comment lines, optional headers, numbers and dates, one-line errors.

FLEE (``flee/InputGeography.py``, ``flee/datamanager/DataTable.py``) reads its files with
``csv.reader`` and skips lines whose first cell starts with ``#``; a header is a commented
first line (``#name,region,...``), but folders in the wild also carry an uncommented header
(``name,region,...``), quoted header cells, spaces after commas and trailing empty cells.
Every reader here goes through :func:`read_rows`, so all of them accept the same variants and
a bad cell names the file, its line and its column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sim.errors import InputError


@dataclass(frozen=True)
class Row:
    """One data line: its 1-based line number in the file and its cells (stripped)."""

    line: int
    cells: tuple[str, ...]

    def get(self, i: int | None) -> str:
        return self.cells[i] if i is not None and i < len(self.cells) else ""


@dataclass(frozen=True)
class Table:
    path: Path
    header: tuple[str, ...]    # normalised names ("" when the file has no header)
    rows: tuple[Row, ...]
    header_text: tuple[str, ...] = ()   # the header cells as written (for messages)

    def where(self, row: Row) -> str:
        return f"{self.path} line {row.line}"

    def column(self, aliases: tuple[str, ...]) -> int | None:
        """Index of the first header cell matching one of ``aliases`` (normalised), or None."""
        for a in aliases:
            if a in self.header:
                return self.header.index(a)
        return None


def normalise(cell: str) -> str:
    """``#"Name" `` -> ``name``: how header cells are compared."""
    return cell.strip().lstrip("#").strip().strip('"').strip().lower()


def read_rows(path: Path, header_first: tuple[str, ...] = ()) -> Table:
    """All data lines of a FLEE CSV; the header is the first line if it is commented or its
    first cell (normalised) is one of ``header_first``. Later comment lines are skipped."""
    if not path.is_file():
        raise InputError("file not found", where=str(path))
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            lines = list(csv.reader(f, skipinitialspace=True))
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text file; save it as CSV (UTF-8)", where=str(path)) from None
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc}); fix the quoting", where=str(path)) from None
    header: tuple[str, ...] = ()
    header_text: tuple[str, ...] = ()
    rows: list[Row] = []
    seen_data = False
    for n, cells in enumerate(lines, start=1):
        cells = [c.strip() for c in cells]
        while cells and cells[-1] == "":
            cells.pop()
        if not cells:
            continue
        first = cells[0]
        is_header = not seen_data and not header and (
            first.startswith("#") or normalise(first) in header_first)
        if is_header:
            header = tuple(normalise(c) for c in cells)
            header_text = tuple(c.lstrip("#").strip().strip('"') for c in cells)
            continue
        if first.startswith("#"):
            continue
        seen_data = True
        rows.append(Row(n, tuple(cells)))
    return Table(path, header, tuple(rows), header_text)


def number(table: Table, row: Row, i: int | None, field: str, *, default: float | None = None,
           minimum: float | None = None) -> float:
    """A numeric cell; empty gives ``default`` (or an error when there is none)."""
    text = row.get(i).replace(",", "") if i is not None else ""
    if text == "":
        if default is not None:
            return default
        raise InputError(f"missing {field}; give a number", where=table.where(row), field=field)
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{text!r} is not a number", where=table.where(row), field=field) from None
    if not math.isfinite(value) or (minimum is not None and value < minimum):
        bound = f" >= {minimum:g}" if minimum is not None else ""
        raise InputError(f"{text} must be a finite number{bound}", where=table.where(row),
                         field=field)
    return value


def whole(table: Table, row: Row, i: int | None, field: str, *, default: int | None = None,
          minimum: int | None = None) -> int:
    value = number(table, row, i, field, default=None if default is None else float(default),
                   minimum=minimum)
    if value != int(value):
        raise InputError(f"{value:g} is not a whole number", where=table.where(row), field=field)
    return int(value)


def iso_date(text: str, where: str, field: str) -> date:
    """FLEE's dates are ``YYYY-MM-DD`` (``datetime.strptime(.., "%Y-%m-%d")``)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{text!r} is not a date; write it as YYYY-MM-DD", where=where,
                         field=field) from None
