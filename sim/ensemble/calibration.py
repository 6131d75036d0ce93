"""A calibration is a sweep: a Latin hypercube over the fitted parameters' prior ranges.

The ABC itself (distances to the observations, the posterior) is
:mod:`sim.analysis.calibrate`; this module builds the sweep it runs on.
"""

from __future__ import annotations

from pathlib import Path

from sim.config.sweep import ParameterSpec, SamplerSpec, SweepSpec
from sim.ensemble.plan import SweepPlan, plan_from_spec
from sim.errors import InputError
from sim.world.scenarios import load_scenario


def parse_param(text: str) -> tuple[str, ParameterSpec]:
    """``behaviour.flee_propensity=1.5:6`` -> (path, range spec)."""
    try:
        path, rng = text.split("=", 1)
        low, high = (float(v) for v in rng.split(":", 1))
    except ValueError:
        raise InputError(f"{text!r} should look like path=low:high, e.g. "
                         "behaviour.flee_propensity=1.5:6", field="--params") from None
    if not low < high:
        raise InputError(f"empty range in {text!r}: low must be below high", field="--params")
    return path.strip(), ParameterSpec(range=(low, high))


def calibration_plan(scenario: str | Path, params: list[str], *, samples: int = 64,
                     members: int = 2, scale: float = 1.0, seed: int = 0) -> SweepPlan:
    if not params:
        raise InputError("give at least one parameter to fit", field="--params")
    if not 0 < scale <= 1:
        raise InputError(f"scale must be in (0, 1] (got {scale})", field="--scale")
    scenario = Path(scenario)
    sc = load_scenario(scenario)
    parsed = dict(parse_param(p) for p in params)
    fixed = {}
    if scale < 1:
        fixed["population.total_people"] = max(1, int(round(sc.population.total_people * scale)))
        fixed["movement.road_capacity_scale"] = sc.movement.road_capacity_scale * scale
    spec = SweepSpec(name=f"calibrate_{sc.name}", base=str(scenario.resolve()), members=members,
                     seed=seed, sampler=SamplerSpec(kind="latin", samples=samples), set=fixed,
                     parameters=parsed)
    return plan_from_spec(spec, scenario.parent, f"calibrate {scenario}")
