"""What the page hands over: this run as NetCDF, and the planning memo for these settings.

A what-if run has no scenario file, so its provenance is the scenario itself: the
``scenario_json`` attribute every results file carries, and its SHA-256 as
``scenario_sha256`` (the file name's hash, as for a run of a file).
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import xarray as xr

from sim.config.scenario import Scenario
from sim.io.dataset import to_dataset, write_atomic
from sim.io.runs import run
from sim.report.memo import write_memo as _write_memo

SOURCE = "idlib-sim explore (what-if page settings)"


def with_provenance(ds: xr.Dataset) -> xr.Dataset:
    """Stamp a what-if run: where its settings came from and the hash of its scenario."""
    ds.attrs["scenario_file"] = SOURCE
    ds.attrs["scenario_sha256"] = hashlib.sha256(ds.attrs["scenario_json"].encode()).hexdigest()
    return ds


def run_id(ds: xr.Dataset) -> str:
    return f"seed{ds.attrs['seed']}-{ds.attrs['scenario_sha256'][:8]}"


def netcdf_name(model) -> str:
    return f"{model.config.name}-seed{model.seed}-day{model.day + 1}.nc"


def netcdf_bytes(model) -> bytes:
    """The run so far (every whole day simulated) as a NetCDF file, written as ``idlib-sim run``
    does. ``model`` is a ``WhatIfModel``: the page may still be stepping it (a pause takes
    effect after the day in hand), so the days are read between two days, never one half
    stepped (whose last row would still be zeros)."""
    ds = with_provenance(model.read(to_dataset))
    with tempfile.TemporaryDirectory(prefix="idlib-explore-") as tmp:
        path = write_atomic(ds, Path(tmp) / "run.nc")
        return path.read_bytes()


def write_memo(scenario: Scenario, seed: int, out_dir: str | Path) -> Path:
    """Run ``scenario`` with ``seed`` to its last day (the run the page plays, from the
    start) and write its memo to ``<out_dir>/<scenario name>/memo-<run id>/``."""
    ds = with_provenance(run(scenario, seed))
    folder = Path(out_dir) / scenario.name / f"memo-{run_id(ds)}"
    return _write_memo(ds, folder)
