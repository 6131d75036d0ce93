"""sim/engine/recorder.py: the night's head-count and census, kept from night to night by
moving the households that changed, agree every night with the households counted afresh."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from conftest import make_scenario
from test_spawning import spawning_scenario

from sim.engine.households import N_STATUS, Status
from sim.engine.model import DisplacementModel
from sim.engine.recorder import HUGE_PAGE_THRESHOLD_BYTES, zeros_in_small_pages
from sim.world.scenarios import load_scenario

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


def _huge_page_eligible(a: np.ndarray) -> bool | None:
    """Whether the kernel may back ``a``'s memory with huge pages (Linux: /proc/self/smaps's
    THPeligible of the mapping that holds it); None where that cannot be read."""
    # The middle of it: NumPy advises huge pages for the 2 MB-aligned inside of an allocation,
    # which splits off its first and last pages as mappings of their own.
    address = a.__array_interface__["data"][0] + a.nbytes // 2
    path = Path("/proc/self/smaps")
    if not path.exists():
        return None
    inside = False
    for line in path.read_text().splitlines():
        head = line.split()[0]
        if "-" in head and ":" not in head:                # a mapping's first line: its range
            lo, hi = (int(x, 16) for x in head.split("-"))
            inside = lo <= address < hi
        elif inside and head == "THPeligible:":
            return line.split()[1] == "1"
    return None


def test_the_day_by_day_arrays_are_zeros_in_small_pages():
    big = zeros_in_small_pages((180, 36, 622))             # 32 MB, as displaced_by_origin
    assert big.shape == (180, 36, 622) and big.dtype == np.float64 and not big.any()
    big[7] = 3.0                                           # writable, and its own memory
    other = zeros_in_small_pages((180, 36, 622))
    assert big.sum() == 3.0 * 36 * 622 and not other.any()
    assert pickle.loads(pickle.dumps(big)).sum() == big.sum()
    small = zeros_in_small_pages((5, 3))
    assert small.shape == (5, 3) and not small.any()
    eligible = _huge_page_eligible(big)
    if eligible is None:
        pytest.skip("no /proc/self/smaps with THPeligible here")
    assert eligible is False


def test_the_recorders_large_arrays_are_in_small_pages(idlib_geo):
    scenario = load_scenario(Path(__file__).parents[1] / "scenarios" / "idlib_full_assault.yaml")
    rec = DisplacementModel(scenario.with_overrides({"population.total_people": 5000}),
                            idlib_geo).recorder
    large = [a for a in vars(rec).values()
             if isinstance(a, np.ndarray) and a.nbytes >= HUGE_PAGE_THRESHOLD_BYTES]
    assert large                                           # displaced_by_origin at least (32 MB)
    if _huge_page_eligible(large[0]) is None:
        pytest.skip("no /proc/self/smaps with THPeligible here")
    assert not any(_huge_page_eligible(a) for a in large)
