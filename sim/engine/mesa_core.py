"""Mesa's model, agents and network space, without the rest of Mesa's package at import.

``import mesa`` runs ``mesa/__init__.py``, which imports every part of Mesa: the batch runner
and the data collector (pandas), the experimental spaces (SciPy's Qhull), signals and meta
agents. The model needs ``Model``, ``FixedAgent`` and ``Network``; the rest cost ~0.3 s of
start-up on every run. So the package is registered without running its ``__init__``, and
only the modules asked for load. The first name asked of the package itself (``mesa.Agent``,
``mesa.__version__``, ``from mesa import batch_run``) runs the ``__init__`` then, so any other
user of Mesa in the process still sees the whole package.
"""

from __future__ import annotations

import importlib.util
import sys


def _register_mesa_lazily() -> None:
    if "mesa" in sys.modules:
        return
    spec = importlib.util.find_spec("mesa")
    if spec is None or spec.loader is None:
        return                                   # let the import below fail as usual
    package = importlib.util.module_from_spec(spec)

    def whole_package(name: str):
        del package.__dict__["__getattr__"]
        spec.loader.exec_module(package)
        return getattr(package, name)

    package.__getattr__ = whole_package
    sys.modules["mesa"] = package


_register_mesa_lazily()

from mesa.discrete_space import FixedAgent, Network  # noqa: E402
from mesa.model import Model  # noqa: E402

__all__ = ["FixedAgent", "Model", "Network"]
