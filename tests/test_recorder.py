"""sim/engine/recorder.py: the night's head-count and census, counted in one pass, agree with
the households counted the plain way."""

from __future__ import annotations

import numpy as np
from conftest import make_scenario

from sim.engine.households import N_STATUS, Status
from sim.engine.model import DisplacementModel


def test_the_nights_count_is_the_head_count_and_the_census_of_the_households(tiny_geo):
    model = DisplacementModel(make_scenario(days=30), tiny_geo, rng=4)
    hh, rec, n = model.households, model.recorder, tiny_geo.n_locations
    seen_transit = False
    while model.running:
        model.step()
        day = model.day
        # take_head_count already filled the day's rows; counting again adds into them
        rows = (rec.queued[day].copy(), rec.returned_home[day].copy())
        rec.queued[day] = rec.returned_home[day] = 0.0
        counted = rec.count_tonight(day)
        np.testing.assert_array_equal(counted, hh.head_count(n))
        np.testing.assert_array_equal(counted, model.head_count)
        assert counted.shape == (N_STATUS, n)
        at_node = (hh.status == Status.TRANSIT) & (hh.next_node < 0)
        want_queued = np.bincount(hh.location[at_node], weights=hh.size[at_node], minlength=n)
        np.testing.assert_array_equal(rec.queued[day], want_queued)
        np.testing.assert_array_equal(rows[0], want_queued)
        back = (hh.status == Status.HOME) & (hh.displaced_day >= 0)
        np.testing.assert_array_equal(rec.returned_home[day],
                                      np.bincount(hh.location[back], weights=hh.size[back], minlength=n))
        seen_transit |= bool(at_node.any())
    assert seen_transit and model.recorder.cumulative_displaced[-1] > 0   # the rows were not all zero
