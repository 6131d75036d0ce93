"""The run summary as JSON (``idlib-sim run --json``): the console's planning figures for
scripts and dashboards, from :func:`sim.analysis.summary.summarise`, with the run's
provenance. Missing values (NaN) are ``null``; people are counts, shares fractions 0-1.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

from sim.analysis.summary import summarise
from sim.io.atomic import write_text
from sim.io.results import as_runs

PROVENANCE_ATTRS = ("scenario_name", "scenario_file", "scenario_sha256", "seed", "run_id",
                    "product_version", "date_created", "time_coverage_start",
                    "time_coverage_end")


def summary_dict(data) -> dict:
    """The summary's fields, JSON-ready, and a ``provenance`` block from the file's attributes."""
    runs = as_runs(data)
    out = _plain(dataclasses.asdict(summarise(runs)))
    attrs = runs.ds.attrs
    out["provenance"] = _plain({k: attrs[k] for k in PROVENANCE_ATTRS if k in attrs})
    if attrs.get("output_path"):
        out["provenance"]["netcdf"] = Path(attrs["output_path"]).name
    return out


def write_summary_json(data, path: str | Path) -> Path:
    """Write :func:`summary_dict` to ``path`` atomically (temporary name, then renamed)."""
    return write_text(path, json.dumps(summary_dict(data), indent=2, allow_nan=False) + "\n")


def _plain(value):
    """Dicts, lists, str, int, float and None only: NumPy scalars unwrapped, NaN -> None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
