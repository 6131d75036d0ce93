"""Journeys that end (docs/model.md, 7.12).

A household on the move for ``movement.settle_after_days`` days - on the road, or queued at a
node for a full road - stops where it is and settles in the open there (an informal site by
the road), counted at that place; so does one that has waited that long at a closed crossing
(a camp against the border wall). "In transit" thus means on a road or queued *today*, not
stuck for months: in 2019 families who found the camps full slept in the fields nearby for
days, then stayed (sources.md R07). Settled households move on later only for a reason
(:mod:`sim.engine.onward`), or flee again if danger reaches them there - though no faster
than the roads out take them (:func:`sim.engine.departure.exit_room_people`). A journey does
not end at a place the household would flee from (where its perceived danger, with the front's
proximity, is above its own threshold: it is still fleeing, queued) or held by the government
side, nor does a wait at a crossing the government side has taken; so a household that settles
does not flee again from where it stopped unless the danger there rises.
"""

from __future__ import annotations

import numpy as np

from sim.engine.households import Households, Status


def days_on_the_move(hh: Households, idx: np.ndarray, day: int) -> np.ndarray:
    """Days of the current journey so far, the day of setting off counting as the first."""
    return day - hh.journey_start_day[idx].astype(np.int64) + 1


def overdue_journeys(hh: Households, day: int, settle_after_days: int,
                     can_settle_at: np.ndarray, threat: np.ndarray | None = None,
                     danger_tolerance: float = 1.0) -> np.ndarray:
    """Households in transit tonight whose journey has lasted ``settle_after_days`` days and
    whose last node passed (``location``) is a place they can settle at - and, given the
    ``threat`` per place (perceived danger plus the front's proximity, the flight rule's upper
    bound), one they would not flee from: it is below their own threshold, risk tolerance x
    ``danger_tolerance``."""
    moving = hh.members(Status.TRANSIT)
    over = moving[days_on_the_move(hh, moving, day) >= settle_after_days]
    over = over[can_settle_at[hh.location[over]]]
    if threat is None:
        return over
    return over[threat[hh.location[over]] <= hh.risk_tolerance[over] * danger_tolerance]


def overdue_border_waits(hh: Households, day: int, settle_after_days: int,
                         closed_crossing: np.ndarray) -> np.ndarray:
    """Households that have waited ``settle_after_days`` days at a crossing closed today."""
    waiting = hh.members(Status.BORDER)
    waited = day - hh.arrival_day[waiting].astype(np.int64) + 1
    return waiting[(waited >= settle_after_days) & closed_crossing[hh.location[waiting]]]
