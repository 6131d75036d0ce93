"""idlib-sim: an agent-based (Mesa) simulator of displacement from an offensive in Idlib.

Common tasks are one call::

    import sim
    ds = sim.run("scenarios/idlib_full_assault.yaml", seed=1)   # xarray.Dataset
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("idlib-sim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+local"

from sim.errors import InputError  # noqa: E402
from sim.geography import load_geography  # noqa: E402
from sim.model import DisplacementModel  # noqa: E402
from sim.runner import run, run_model  # noqa: E402
from sim.scenario import Scenario, load_scenario  # noqa: E402

__all__ = ["run", "run_model", "load_scenario", "load_geography", "DisplacementModel",
           "Scenario", "InputError", "__version__"]
