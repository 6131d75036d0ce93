"""FLEE's averaged relative difference (sim/analysis/ard.py) against a hand calculation."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sim.analysis.ard import ard_line, compare_camps, daily_errors
from sim.errors import InputError
from sim.io.flee.validation import CampCounts


def synthetic_run() -> xr.Dataset:
    """Three days, two camps and a town. People at a camp = residents + displaced there."""
    residents = np.array([[10, 0, 7], [10, 0, 7], [10, 0, 7]], dtype=float)
    displaced = np.array([[0, 0, 1], [10, 10, 1], [20, 30, 1]], dtype=float)
    return xr.Dataset(
        {"residents_present": (("time", "location"), residents),
         "displaced_present": (("time", "location"), displaced)},
        coords={"time": pd.date_range("2020-03-01", periods=3), "location": ["A", "B", "T"],
                "kind": ("location", ["camp", "camp", "town"])})


def observed(start=date(2020, 3, 1)) -> CampCounts:
    # X is observed but not a place of the run: left out (as FLEE scores only its camps)
    return CampCounts(start, ("A", "B", "X"),
                      np.array([[10, 0, 5], [10, 30, 5], [20, 20, 5]]))


def test_ard_equals_the_hand_calculation():
    c = compare_camps(synthetic_run(), observed())
    assert c.camps == ("A", "B")
    # simulated A 10, 20, 30 and B 0, 10, 30; observed A 10, 10, 20 and B 0, 30, 20
    # day 0: 0 / 10;  day 1: (10 + 20) / 40;  day 2: (10 + 10) / 40
    assert c.error.tolist() == [0.0, 0.75, 0.5]
    assert c.ard == pytest.approx((0 + 0.75 + 0.5) / 3)
    # rescaled: day 1 x 40/30 -> |26.67 - 10| + |13.33 - 30| = 33.33; day 2 x 40/60 -> 0
    assert c.error_rescaled == pytest.approx([0.0, (50 / 3) * 2 / 40, 0.0])
    assert c.ard_rescaled == pytest.approx((100 / 120) / 3)
    assert ard_line(c) == f"ARD {c.ard:.4f} rescaled {c.ard_rescaled:.4f}" == "ARD 0.4167 rescaled 0.2778"


def test_days_beyond_the_observations_hold_the_nearest_count():
    c = compare_camps(synthetic_run(), observed(start=date(2020, 3, 2)))   # one day late
    assert c.observed[:, 0].tolist() == [10, 10, 10]                        # day 0 holds the first


def test_empty_days_and_nobody_simulated():
    raw, rescaled = daily_errors(np.zeros((2, 2)), np.array([[0, 0], [3, 1]]))
    assert raw.tolist() == [0.0, 1.0]            # no one observed: divide by 1, not by 0
    assert rescaled.tolist() == [0.0, 1.0]       # nobody simulated: nothing to rescale


def test_camps_must_belong_to_the_run():
    counts = CampCounts(date(2020, 3, 1), ("T", "X"), np.ones((3, 2), dtype=int))
    with pytest.raises(InputError, match="none of the observed camps"):
        compare_camps(synthetic_run(), counts)


def test_table_has_flee_columns():
    t = compare_camps(synthetic_run(), observed()).table()
    assert list(t.columns) == ["date", "A sim", "A data", "B sim", "B data", "observed in camps",
                               "simulated in camps", "error", "error rescaled"]
    assert t["observed in camps"].tolist() == [10, 40, 40]
