"""Run a scenario end to end: load, simulate, build the Dataset, write it atomically."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from sim.config.scenario import Scenario
from sim.engine.model import run_model
from sim.world.scenarios import load_scenario

if TYPE_CHECKING:
    import xarray as xr


def run_id(scenario: Scenario, seed: int, overrides: Mapping[str, object] | None = None) -> str:
    """Same scenario file, seed and overrides -> same run id (and file name).

    ``seed3-1a2b3c4d`` for the file as it is; overrides add a readable tag
    (``seed3-1a2b3c4d-days30-total_people50000``), so a reduced run never replaces the full
    one of the same file and seed.
    """
    digest = scenario.source_sha256[:8] or "inline"
    return f"seed{seed}-{digest}{override_tag(overrides)}"


def override_tag(overrides: Mapping[str, object] | None) -> str:
    """``-days30-total_people50000`` (last path segment and value, sorted by path); a hash of
    the overrides when that would be long or not a safe file name."""
    if not overrides:
        return ""
    parts = [f"{path.rsplit('.', 1)[-1]}{value}" for path, value in sorted(overrides.items())]
    tag = "-".join(parts)
    if len(tag) > 60 or not re.fullmatch(r"[A-Za-z0-9_.]+(-[A-Za-z0-9_.]+)*", tag):
        blob = json.dumps(dict(sorted(overrides.items())), default=str, sort_keys=True)
        tag = "o" + hashlib.sha256(blob.encode()).hexdigest()[:8]
    return f"-{tag}"


def run(scenario: str | Path | Scenario, seed: int | None = None, *,
        overrides: Mapping[str, object] | None = None, out_dir: str | Path | None = None,
        write: bool = False, on_day: Callable[[int, int], None] | None = None) -> xr.Dataset:
    """Run one scenario and return its Dataset.

    ``seed`` defaults to the scenario's own. ``overrides`` change fields by dotted path
    (``{"days": 30, "population.total_people": 50_000}``), validated as in the YAML
    (:meth:`Scenario.with_overrides`). With ``write=True`` (or an ``out_dir``) the Dataset is
    also written to ``<out_dir>/<scenario name>/<run id>.nc`` (default ``results/``) and the
    path is stored in ``ds.attrs['output_path']``.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if overrides:
        sc = sc.with_overrides(overrides)
    seed = sc.seed if seed is None else int(seed)
    model = run_model(sc, seed, on_day=on_day)
    from sim.io.dataset import to_dataset, write_atomic  # xarray: after the run, not before it
    from sim.io.numpy_only import numpy_arrays_only

    with numpy_arrays_only():
        ds = to_dataset(model)
        if write or out_dir is not None:
            path = Path(out_dir or "results") / sc.name / f"{run_id(sc, seed, overrides)}.nc"
            write_atomic(ds, path)
            ds.attrs["output_path"] = str(path)
    return ds
