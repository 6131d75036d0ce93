"""What households perceive of danger and room (docs/model.md, 4 Sensing, 7.4 and 7.13).

* **Fear lags the guns.** The danger a place's households feel rises with the danger at once
  and falls by a factor e every ``behaviour.fear_memory_days`` once it drops, so flight tails
  off over days after a ceasefire, and the quiet front's threat fades alike - as if it drew
  back one proximity scale every fear_memory_days.
* **Room.** Households moving on know the free camp and host places at each place (last
  night's head-count) and how many are already on their way there.
"""

from __future__ import annotations

import numpy as np

from sim.config.scenario import BehaviourConfig
from sim.engine.households import Households, Status


def fear_after(previous: np.ndarray, danger: np.ndarray, memory_days: float) -> np.ndarray:
    """Tonight's fear per place: today's danger, or yesterday's fear faded, whichever is higher
    (today's danger without a memory)."""
    if memory_days == 0:
        return danger
    return np.maximum(danger, previous * np.exp(-1.0 / memory_days))


def perceived_front_km(front_km: np.ndarray, fighting: bool, quiet_days: int,
                       b: BehaviourConfig) -> np.ndarray:
    """Distance to the front as households feel it: today's while there is fighting; on a
    quiet day (e.g. after a ceasefire) the front's threat fades as fear does (at once, i.e. no
    front at all, without a memory)."""
    if fighting:
        return front_km
    if b.fear_memory_days == 0:
        return np.full_like(front_km, np.inf)
    return front_km + b.front_proximity_scale_km * quiet_days / b.fear_memory_days


def threat(fear: np.ndarray, front_km: np.ndarray, b: BehaviourConfig) -> np.ndarray:
    """The flight rule's upper bound of what a household feels at each place: fear plus the
    front's proximity (a household whose threshold is above it does not flee from there)."""
    return fear + b.front_proximity_weight * np.exp(-front_km / b.front_proximity_scale_km)


def room_people(hh: Households, head_count: np.ndarray, kind: np.ndarray,
                camp_capacity: np.ndarray, host_capacity: np.ndarray) -> np.ndarray:
    """Free camp and host places per place (last night's count) less the people on their way
    there now; none at a crossing (a queue, not a place to stay)."""
    occupied = head_count[Status.CAMP] + head_count[Status.HOST] + \
        np.where(kind == "camp", head_count[Status.HOME], 0.0)
    heading = hh.heading(len(kind))
    room = camp_capacity + host_capacity - occupied - heading
    return np.where(kind == "crossing", 0.0, np.maximum(room, 0.0))
