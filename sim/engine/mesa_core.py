"""Mesa's model, agents and network space, without the rest of Mesa's package at import.

``import mesa`` runs ``mesa/__init__.py``, which imports every part of Mesa: the batch runner
and the data collector (pandas), the experimental spaces (SciPy's Qhull), signals and meta
agents. The model needs ``Model``, ``FixedAgent`` and ``Network`` (and its base classes); the rest cost ~0.3 s of
start-up on every run. So the package is registered without running its ``__init__``, and
only the modules asked for load. The first name asked of the package itself (``mesa.Agent``,
``mesa.__version__``, ``from mesa import batch_run``) runs the ``__init__`` then, so any other
user of Mesa in the process still sees the whole package. Mesa's loggers are named from the
importing frames rather than by walking the import stack (:class:`_CallerOnly`).

Mesa 3.3 numbers each model's agents from a class-level dict keyed by the model
(``Agent._ids``), which keeps every model ever built alive (mesa#3179, fixed upstream by
mesa#3180): ~120 MB a full-scale run, so an ensemble worker running 32 members held some 4 GB.
Where Mesa still has that dict, it is replaced by one that holds the models weakly
(:class:`_AgentNumbers`): the same numbers, and a model is freed once nothing else holds it.
"""

from __future__ import annotations

import importlib.util
import inspect
import itertools
import sys
import weakref
from collections import defaultdict


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


class _CallerOnly:
    """What ``mesa.mesa_logging`` asks of :mod:`inspect` while ``mesa.model`` is imported,
    answered from the frames themselves.

    To name a module's logger and a method logger's class, Mesa (3.3-3.5) calls
    ``inspect.stack()``, ``inspect.getouterframes()`` and ``inspect.getmodule()``: source lines
    for every frame of the import stack, each file looked up among all loaded modules, which
    makes the lazily loaded ones load (asyncio, ssl, dateutil, ...) - about 0.3 s of every run's
    start-up. Mesa reads only the caller's frame, function name and module, which the frames
    hold: the loggers are the same (``MESA.mesa.model``, ``Model.__init__``'s)."""

    currentframe = staticmethod(inspect.currentframe)

    @staticmethod
    def getouterframes(frame, context: int = 1):
        out = []
        while frame is not None:
            out.append((frame, frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name,
                        None, None))
            frame = frame.f_back
        return out

    @staticmethod
    def stack(context: int = 1):
        return _CallerOnly.getouterframes(sys._getframe(1), context)

    @staticmethod
    def getmodule(obj, _filename=None):
        return sys.modules.get(obj.f_globals.get("__name__")) if hasattr(obj, "f_globals") \
            else inspect.getmodule(obj, _filename)


def _import_core():
    """Mesa's ``Model``, ``FixedAgent``, ``Network`` and its ``DiscreteSpace`` and ``Cell``
    (``mesa.discrete_space`` imports
    ``mesa.model``), their loggers named as ever without walking the import stack."""
    mesa_logging = importlib.import_module("mesa.mesa_logging")   # not ``from mesa import``: that
    walking = getattr(mesa_logging, "inspect", None)               # would run the whole package
    if walking is inspect:          # a Mesa that names its loggers some other way: left as it is
        mesa_logging.inspect = _CallerOnly
    try:
        from mesa.discrete_space import Cell, DiscreteSpace, FixedAgent, Network
        from mesa.model import Model
    finally:
        if walking is inspect:
            mesa_logging.inspect = walking
    return Cell, DiscreteSpace, FixedAgent, Model, Network


class _AgentNumbers(weakref.WeakKeyDictionary):
    """Each model's counter of agent numbers (from 1), the model held weakly."""

    def __getitem__(self, model):
        try:
            return super().__getitem__(model)
        except KeyError:
            counter = self[model] = itertools.count(1)
            return counter


def _hold_models_weakly() -> None:
    from mesa.agent import Agent

    if type(Agent.__dict__.get("_ids")) is defaultdict:      # Mesa 3.3's strong dict
        numbers = _AgentNumbers()
        numbers.update(Agent._ids)
        Agent._ids = numbers


def mesa_version() -> str:
    """Mesa's version, without running its package ``__init__`` to read ``mesa.__version__``
    (0.3-0.45 s: networkx, SciPy's spatial module): the installed distribution's metadata,
    unless the whole package is loaded already."""
    package = sys.modules.get("mesa")
    if package is not None and "__getattr__" not in package.__dict__:
        version = getattr(package, "__version__", None)
        if version:
            return str(version)
    from importlib.metadata import version as installed_version

    return installed_version("mesa")


_register_mesa_lazily()
Cell, DiscreteSpace, FixedAgent, Model, Network = _import_core()
_hold_models_weakly()

__all__ = ["Cell", "DiscreteSpace", "FixedAgent", "Model", "Network", "mesa_version"]
