"""idlib-sim: an agent-based (Mesa) simulator of displacement from an offensive in Idlib.

Common tasks are one call::

    import sim
    ds = sim.run("scenarios/idlib_full_assault.yaml", seed=1)   # xarray.Dataset
    ens = sim.run_ensemble("scenarios/idlib_full_assault.yaml", members=8)
    ds = sim.load_results("results/idlib_full_assault/")

The package is layered (docs/architecture.md): ``config`` (schemas) < ``world`` (geography,
conflict and border timelines) < ``engine`` (the Mesa model) < ``io`` (datasets and files) <
``analysis`` (indicators, validation, calibration) < ``ensemble`` (sweeps on a pool or Dask) <
``report`` (console, plots, memo) < ``cli``. Names here are imported on first use, so
``import sim`` stays cheap.
"""

from importlib import import_module

_API = {
    "run": "sim.io.runs",
    "run_model": "sim.engine.model",
    "run_ensemble": "sim.ensemble.sweep",
    "load_scenario": "sim.world.scenarios",
    "load_results": "sim.io.results",
    "load_geography": "sim.world.geography",
    "Scenario": "sim.config.scenario",
    "DisplacementModel": "sim.engine.model",
    "InputError": "sim.errors",
}

__all__ = [*_API, "__version__"]


def __getattr__(name: str):
    if name == "__version__":          # read when asked: importlib.metadata costs ~30 ms a run
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("idlib-sim")
        except PackageNotFoundError:  # running from a source tree without installing
            value = "0.0.0+local"
        globals()[name] = value
        return value
    if name in _API:
        value = getattr(import_module(_API[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
