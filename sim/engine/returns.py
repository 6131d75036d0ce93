"""Returns: displaced households going home once it is safe (docs/model.md, 7.15).

Displacement was not one-way in north-west Syria: in Sept 2018 about 4,500 of the 38,300
people displaced went back within days of the shelling easing (sources.md S47), and about
13,000 went home in Idleb in the month after the 31 Aug 2019 ceasefire (R10) - few, because
most homes of that offensive had been taken or stayed near the shelled line. The rule:

* a place's home is **safe** on a day when the danger its people perceive there (today's
  danger, or the fear that lags it, ``behaviour.fear_memory_days``) is below
  ``returns.safe_danger``; ``safe_days`` counts the days in a row it has been;
* a household displaced in this run and staying somewhere (camp, host, open air, border)
  whose home has been safe for ``return_after_safe_days`` goes home with daily probability
  ``return_per_day``, times ``return_to_government_factor`` if the home is now held by the
  government side (0 by default: after the 2019 ceasefire the reported returns to the captured
  towns came from other government-held areas, R11);
* the journey home is not routed: a return takes the day (returns are a small flow, and the
  roads out of the area of refuge are not its bottleneck). The household is ``HOME`` again and
  faces the flight rule like any resident; if it flees again, that is a new flight, not a new
  displacement.

Households whose day-0 home is a camp cluster do not "return": their place there may have been
taken, and they move as other displaced households do.
"""

from __future__ import annotations

import numpy as np

from sim.config.returns import ReturnConfig
from sim.engine.households import Households
from sim.engine.tallies import displaced_with_safe_home


def count_safe_days(safe_days: np.ndarray, perceived_danger: np.ndarray,
                    cfg: ReturnConfig) -> np.ndarray:
    """Days in a row each place has been safe, after today."""
    return np.where(perceived_danger < cfg.safe_danger, safe_days + 1, 0)


def returning_home(hh: Households, safe_days: np.ndarray, government: np.ndarray,
                   camp_home: np.ndarray, cfg: ReturnConfig,
                   rng: np.random.Generator) -> np.ndarray:
    """The displaced households that go home today (one draw per eligible household)."""
    if cfg.return_per_day == 0.0:
        return np.zeros(0, dtype=np.int64)
    if not (safe_days >= cfg.return_after_safe_days).any():
        return np.zeros(0, dtype=np.int64)           # nowhere safe long enough: nobody goes
    safe_home = ~camp_home & (safe_days >= cfg.return_after_safe_days)   # per place
    # The displaced staying somewhere (DISPLACED_STAYING), no plan to flee, home safe:
    who = displaced_with_safe_home(hh.status, hh.displaced_day, hh.flee_ready_day, hh.home, safe_home,
                                   hh.home_rows(len(safe_home)))
    home = hh.home[who]
    chance = cfg.return_per_day * np.where(government[home], cfg.return_to_government_factor, 1.0)
    return who[rng.random(len(who)) < chance]
