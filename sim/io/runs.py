"""Run a scenario end to end: load, simulate, build the Dataset, write it atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xarray as xr

from sim.config.scenario import Scenario
from sim.engine.model import run_model
from sim.io.dataset import to_dataset, write_atomic
from sim.world.scenarios import load_scenario


def run_id(scenario: Scenario, seed: int) -> str:
    """Same scenario file and seed -> same run id (and file name)."""
    digest = scenario.source_sha256[:8] or "inline"
    return f"seed{seed}-{digest}"


def run(scenario: str | Path | Scenario, seed: int | None = None, *,
        out_dir: str | Path | None = None, write: bool = False,
        on_day: Callable[[int, int], None] | None = None) -> xr.Dataset:
    """Run one scenario and return its Dataset.

    ``seed`` defaults to the scenario's own. With ``write=True`` (or an ``out_dir``) the
    Dataset is also written to ``<out_dir>/<scenario name>/<run id>.nc`` (default
    ``results/``) and the path is stored in ``ds.attrs['output_path']``.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    seed = sc.seed if seed is None else int(seed)
    model = run_model(sc, seed, on_day=on_day)
    ds = to_dataset(model)
    if write or out_dir is not None:
        path = Path(out_dir or "results") / sc.name / f"{run_id(sc, seed)}.nc"
        write_atomic(ds, path)
        ds.attrs["output_path"] = str(path)
    return ds
