#!/usr/bin/env python3
"""Time two versions of one engine function in the same run, on alternate days.

The development machine's speed wanders by up to 40 % from run to run, so a change worth
1-2 % of a run needs many whole runs in turns to show (docs/speed.md). A change that keeps the
bits can be measured inside one run instead: the function's old version (loaded from another
checkout, e.g. ``git worktree add /tmp/before HEAD~1``) runs on odd days, this checkout's on
even days, each timed; both see the same households and the same minute of the machine::

    python tools/ab_days.py /tmp/before sim.engine.travel travel
    python tools/ab_days.py /tmp/before sim.engine.decisions perceived_bound --runs 3
    python tools/ab_days.py /tmp/before sim.engine.recorder Recorder.note_departures

It prints the mean time of each version per call. Only for functions whose versions give the
same results (otherwise the days would differ, and so would the work after them). Only the
named module is the old one (what it imports is this checkout's), and the function is swapped
where its module holds it: callers that look it up there (``module.function``, a method, a
function of the same module) see the swap, a name copied elsewhere by ``from ... import`` or
a call from inside another numba kernel does not. The scenario is the full assault unless
``--scenario`` says otherwise. Run it from the root of the checkout being measured.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import time
from pathlib import Path


def old_module(before: Path, name: str):
    """Module ``name`` as the checkout ``before`` has it, under a name of its own."""
    path = before / (name.replace(".", "/") + ".py")
    spec = importlib.util.spec_from_file_location("before_" + name.replace(".", "_"), path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def one_run(before: Path, module_name: str, attribute: str, scenario: str,
            people: int | None = None) -> dict[str, float]:
    from sim.engine.model import DisplacementModel
    from sim.world.geography import load_geography
    from sim.world.scenarios import load_scenario

    new_module, old = importlib.import_module(module_name), old_module(before, module_name)
    owner_name, _, name = attribute.rpartition(".")
    new_owner = getattr(new_module, owner_name) if owner_name else new_module
    old_owner = getattr(old, owner_name) if owner_name else old
    new_version, old_version = getattr(new_owner, name), getattr(old_owner, name)
    sc = load_scenario(scenario)
    if people is not None:
        sc = sc.with_overrides({"population.total_people": people})
    model = DisplacementModel(sc, load_geography(sc.region))
    spent = {"before": [0.0, 0], "this checkout": [0.0, 0]}

    def alternate(*args, **kwargs):
        which = "before" if model.day % 2 else "this checkout"
        started = time.perf_counter()
        result = (old_version if which == "before" else new_version)(*args, **kwargs)
        spent[which][0] += time.perf_counter() - started
        spent[which][1] += 1
        return result

    setattr(new_owner, name, alternate)       # a method swapped on the class takes ``self``
    try:
        while model.running:
            model.step()
    finally:
        setattr(new_owner, name, new_version)
    return {k: total / max(calls, 1) * 1000 for k, (total, calls) in spent.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="checkout holding the old version")
    parser.add_argument("module", help="module of the function, e.g. sim.engine.travel")
    parser.add_argument("function", help="function, or Class.method, in that module")
    parser.add_argument("--scenario", default="scenarios/idlib_full_assault.yaml")
    parser.add_argument("--people", type=int, help="resize the population (as bench --people)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    old = args.before / (args.module.replace(".", "/") + ".py")
    if not old.is_file():
        parser.error(f"before: {old} does not exist (give the root of a checkout holding "
                     f"{args.module}, e.g. git worktree add /tmp/before HEAD~1)")
    owner = importlib.import_module(args.module)
    for part in args.function.split("."):
        if not hasattr(owner, part):
            parser.error(f"function: {args.module} has no {args.function} (give a function, "
                         f"or Class.method, of that module)")
        owner = getattr(owner, part)
    if args.runs < 1:
        parser.error("--runs: give 1 or more")
    from sim.errors import InputError

    for _ in range(args.runs):
        try:
            ms = one_run(args.before, args.module, args.function, args.scenario, args.people)
        except InputError as error:                      # the scenario, or --people
            parser.error(str(error))
        print("  ".join(f"{k}: {v:.3f} ms a call" for k, v in ms.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
