"""sim/engine/recorder.py: the night's head-count and census, kept from night to night by
moving the households that changed, agree every night with the households counted afresh."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_scenario
from test_spawning import spawning_scenario

from sim.engine.households import N_STATUS, Status
from sim.engine.model import DisplacementModel

# Southtown is shelled for five days, then calm: its people flee, and some go home again.
RETURNING = {"returns": {"return_per_day": 0.2, "return_after_safe_days": 2},
             "conflict": {"axes": [], "strikes": [{"place": "Southtown", "start_day": 0,
                                                   "end_day": 4, "level": 1.0}]}}


@pytest.mark.parametrize("scenario, nonzero", [
    (lambda: make_scenario(days=30), {"queued", "in_camp_by_origin"}),
    (lambda: make_scenario(days=30, **RETURNING), {"returned_home", "in_camp_by_origin"}),
    (lambda: spawning_scenario(days=25), {"in_camp_by_origin"}),   # households enter day by day
], ids=["offensive", "returns", "spawning"])
def test_the_nights_count_is_the_head_count_and_the_census_of_the_households(tiny_geo, scenario,
                                                                              nonzero):
    model = DisplacementModel(scenario(), tiny_geo, rng=4)
    hh, rec, n = model.households, model.recorder, tiny_geo.n_locations
    seen = set()
    while model.running:
        model.step()
        day = model.day
        fresh = rec.census_afresh()
        names = ("queued", "displaced_by_origin", "new_idps_by_cohort", "in_camp_by_origin")
        for name, want in zip(("returned_home", *names), fresh[1:]):
            np.testing.assert_array_equal(getattr(rec, name)[day], want, err_msg=name)
        np.testing.assert_array_equal(model.head_count, fresh[0])
        np.testing.assert_array_equal(model.head_count, hh.head_count(n))
        assert model.head_count.shape == (N_STATUS, n)
        # ... and the plain way, for two of them
        at_node = (hh.status == Status.TRANSIT) & (hh.next_node < 0)
        np.testing.assert_array_equal(
            rec.queued[day], np.bincount(hh.location[at_node], weights=hh.size[at_node], minlength=n))
        back = (hh.status == Status.HOME) & (hh.displaced_day >= 0)
        np.testing.assert_array_equal(
            rec.returned_home[day], np.bincount(hh.location[back], weights=hh.size[back], minlength=n))
        np.testing.assert_array_equal(rec.count_tonight(day), model.head_count)   # again: no change
        seen |= {name for name in ("queued", "returned_home", "in_camp_by_origin")
                 if getattr(rec, name)[day].any()}
    assert seen >= nonzero                             # the counts were not all zero
    assert model.recorder.cumulative_displaced[-1] > 0


def test_a_change_behind_the_owners_back_is_counted_as_it_is(tiny_geo):
    # The counts follow the arrays, not the transitions: a household moved by hand shows in
    # the night's count (and so the ledger check, which follows the transitions, sees it).
    model = DisplacementModel(make_scenario(days=5), tiny_geo, rng=2)
    model.step()
    hh = model.households
    i = int(np.flatnonzero(hh.status == Status.HOME)[0])
    hh.status[i] = Status.CAMP
    counted = model.recorder.count_tonight(model.day)
    np.testing.assert_array_equal(counted, hh.head_count(tiny_geo.n_locations))
