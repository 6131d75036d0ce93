"""Offensive-pace ensembles: each member draws the axes' speeds around the written ones.

Why: once the front has reached most places, how many people an assault displaces by a date
depends less on behaviour than on how fast the front moved, and the speeds of a planning
scenario are assumptions (E27). A scenario that declares ``conflict.pace_uncertainty``
(:class:`sim.config.scenario.PaceUncertainty`) gives member m of an ensemble the speeds

    speed_i x F x G_i,   log F ~ N(0, s_shared),   log G_i ~ N(0, s_axis),

with ``s = ln(P90 factor) / z_0.9``, so the written speeds are the medians. The draw comes
from a generator seeded from the member's seed and a stream number of its own, so it is
reproducible, independent of the posterior draw (:mod:`sim.ensemble.posterior`) and the
same on any worker count. An axis whose speed a sweep sets or varies is not drawn.
"""

from __future__ import annotations

import math

import numpy as np

from sim.config.scenario import Scenario

Z90 = 1.2815515655446004
"""The standard normal's 90th percentile."""
PACE_STREAM = 0x9ACE
"""Spawn key that keeps the pace draws apart from every other use of a member's seed."""


def speed_path(axis: int) -> str:
    return f"conflict.axes.{axis}.speed_km_per_day"


def pace_draws(scenario: Scenario, seeds: tuple[int, ...],
               fixed: set[str]) -> tuple[tuple[dict, ...], dict]:
    """Each member's drawn axis speeds (dotted path -> km/day) and the record of the draw
    for the plan; ``((), {})`` when the scenario declares no pace uncertainty."""
    pace = scenario.conflict.pace_uncertainty
    axes = [i for i in range(len(scenario.conflict.axes)) if speed_path(i) not in fixed]
    if pace is None or not axes:
        return (), {}
    s_shared = math.log(pace.shared_p90_factor) / Z90
    s_axis = math.log(pace.axis_p90_factor) / Z90
    written = [a.speed_km_per_day for a in scenario.conflict.axes]
    draws = []
    for seed in seeds:
        rng = np.random.default_rng([seed, PACE_STREAM])
        shared = rng.standard_normal()
        own = rng.standard_normal(len(written))   # one per axis, drawn or not, so fixing one
        factor = np.exp(s_shared * shared + s_axis * own)   # axis changes no other axis's draw
        draws.append({speed_path(i): round(written[i] * float(factor[i]), 4) for i in axes})
    record = {"shared_p90_factor": pace.shared_p90_factor,
              "axis_p90_factor": pace.axis_p90_factor, "drawn": [speed_path(i) for i in axes]}
    return tuple(draws), record
