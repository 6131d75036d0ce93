"""Household agents held as NumPy arrays: the state they carry.

Each row is one household agent with its own attributes and random draws. At 2.5 M people
(~455,000 households) one Python object per household costs ~0.44 s per step; arrays make a
step a few milliseconds, so every rule in the package is a vectorised function over rows.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import IntEnum

import numpy as np

GROUPS = ("children", "adult_women", "adult_men", "elderly")
"""Age/sex groups whose head-counts every household carries."""


class Status(IntEnum):
    """Where a household is. Initial residents (including long-term IDPs) start at HOME."""

    HOME = 0        # at the place it lived at on day 0 (not displaced in this run)
    TRANSIT = 1     # on the move: at a node overnight or part-way along a road
    CAMP = 2        # admitted to a camp
    HOST = 3        # with host families / rented housing
    OPEN = 4        # in the open or informal shelter: no capacity left where it arrived
    BORDER = 5      # waiting at a closed (or quota-full) border crossing
    CROSSED = 6     # crossed into Turkey (left the modelled area)


@dataclass(eq=False)
class Households:
    """State arrays, one row per household agent."""

    size: np.ndarray              # people
    children: np.ndarray          # people under 18
    adult_women: np.ndarray       # women 18-59
    adult_men: np.ndarray         # men 18-59
    elderly: np.ndarray           # people 60+
    home: np.ndarray              # location index at day 0
    already_displaced: np.ndarray  # bool: an IDP before the run starts
    has_vehicle: np.ndarray       # bool: car, truck, tractor or motorbike for the family
    risk_tolerance: np.ndarray    # 0 = very risk-averse, 1 = stays under fire
    information: np.ndarray       # 0 = poorly informed, 1 = well informed
    status: np.ndarray            # Status code
    location: np.ndarray          # current node (last node passed while in transit)
    next_node: np.ndarray         # node being travelled to on a road, -1 at a node
    progress_km: np.ndarray       # km covered along the current road
    destination: np.ndarray       # chosen destination node, -1 none
    displaced_day: np.ndarray     # day first displaced in this run, -1 never
    times_displaced: np.ndarray   # flights in this run (re-displacement counts again)
    arrival_day: np.ndarray       # day it reached its current place, -1 none

    def __len__(self) -> int:
        return len(self.size)

    @property
    def people(self) -> int:
        return int(self.size.sum())

    def subset(self, index: np.ndarray) -> "Households":
        return Households(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def extend(self, new: "Households") -> None:
        """Append households that enter the system (spawning mode), once per day; rows keep
        their index, so index arrays taken earlier stay valid."""
        for f in fields(self):
            old = getattr(self, f.name)
            setattr(self, f.name, np.concatenate([old, getattr(new, f.name).astype(old.dtype)]))
