"""The border as data: each crossing's policy (closed, quota, open) for every day of the run.

Built once from the scenario's ``border`` timelines; the daily admission step only reads a
row (:mod:`sim.engine.admission`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config.scenario import Scenario
from sim.world.geography import Geography

CLOSED, QUOTA, OPEN = 0, 1, 2


@dataclass(frozen=True, eq=False)
class BorderTimeline:
    status: np.ndarray                 # [day, loc] CLOSED / QUOTA / OPEN (crossings only)
    quota_people_per_day: np.ndarray   # [day, loc]; inf when open, 0 when closed


def build_border_timeline(scenario: Scenario, geo: Geography) -> BorderTimeline:
    n_days = scenario.days
    status = np.full((n_days, geo.n_locations), CLOSED, dtype=np.int8)
    quota = np.zeros((n_days, geo.n_locations))
    code = {"closed": CLOSED, "quota": QUOTA, "open": OPEN}
    for i in np.flatnonzero(geo.kind == "crossing"):
        phases = scenario.border.crossings.get(geo.names[i], scenario.border.default)
        for k, p in enumerate(phases):
            end = phases[k + 1].day if k + 1 < len(phases) else n_days
            span = slice(min(p.day, n_days), min(end, n_days))
            status[span, i] = code[p.status]
            quota[span, i] = {CLOSED: 0.0, QUOTA: p.quota_people_per_day or 0.0,
                              OPEN: np.inf}[code[p.status]]
    return BorderTimeline(status=status, quota_people_per_day=quota)
