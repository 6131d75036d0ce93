"""Responses to calm: after a ceasefire, flight tails off over days as fear lags the guns, and
displaced households go home once it has been safe for a while (sim/engine/returns.py), not to
homes that changed hands."""

from __future__ import annotations

import numpy as np
from conftest import make_scenario
from test_households import households

from sim.config.returns import ReturnConfig
from sim.engine.households import Status
from sim.engine.model import DisplacementModel, run_model
from sim.engine.returns import count_safe_days, returning_home
from sim.io.dataset import to_dataset

CEASEFIRE_DAY = 16
CALM = {"fear_memory_days": 5.0}
MEANS = {"mode": "means"}
RETURNS = {"return_per_day": 0.05, "return_after_safe_days": 3, "safe_danger": 0.05}


def ceasefire(tiny_geo, behaviour=CALM, departure=MEANS, returns=RETURNS, **overrides):
    """The tiny offensive, slowed down so that it is still shelling Midtown when it stops."""
    sc = make_scenario(days=60, behaviour=behaviour, departure=departure, returns=returns,
                       conflict={"ceasefire_day": CEASEFIRE_DAY, "axes": [
                           {"name": "south", "start": "Southfront", "via": ["Southtown", "Midtown"],
                            "start_day": 2, "speed_km_per_day": 1.5, "width_km": 4}]},
                       **overrides)
    return to_dataset(run_model(sc, geography=tiny_geo))


def test_after_a_ceasefire_flight_tails_off_over_days_and_some_go_home(tiny_geo):
    ds = ceasefire(tiny_geo)
    new = ds["new_displaced"].sum("location").values
    before = new[CEASEFIRE_DAY - 5: CEASEFIRE_DAY].mean()
    after = new[CEASEFIRE_DAY: CEASEFIRE_DAY + 5]
    assert before > 0
    assert after[0] > 0 and after.sum() > 0.2 * before     # not zero at once ...
    assert after[-1] < after[0] and after.mean() < before    # ... but falling
    assert new[CEASEFIRE_DAY + 25:].sum() == 0               # and over once fear has faded
    back = ds["returns"].sum("location").values
    assert back[:CEASEFIRE_DAY].sum() == 0                   # the front was still coming
    assert back.sum() > 0.05 * float(ds["cumulative_displaced"][-1])
    # Southtown fell: nobody goes back there.
    assert float(ds["returns"].sel(location="Southtown").sum()) == 0
    assert float(ds["returns"].sel(location="Midtown").sum()) > 0
    # Those who went home are residents again, and no longer counted as displaced.
    residents = ds["residents_present"].sum("location").values
    assert residents[-1] > residents[CEASEFIRE_DAY]
    still = (ds["displaced_present"] + ds["in_transit"]).sum("location").values
    assert np.allclose(ds["displaced_by_group"].sum("group").values, still)


def test_without_fear_or_returns_flight_stops_overnight_and_nobody_goes_home(tiny_geo):
    ds = ceasefire(tiny_geo, behaviour={"fear_memory_days": 0.0}, departure={"mode": "immediate"},
                   returns={"return_per_day": 0.0})
    new = ds["new_displaced"].sum("location").values
    assert new[:CEASEFIRE_DAY].sum() > 0 and new[CEASEFIRE_DAY:].sum() == 0
    assert float(ds["returns"].sum()) == 0


def test_homes_that_changed_hands_see_returns_only_if_the_scenario_allows(tiny_geo):
    allowed = ceasefire(tiny_geo, returns={**RETURNS, "return_to_government_factor": 1.0})
    assert float(allowed["returns"].sel(location="Southtown").sum()) > 0
    assert float(ceasefire(tiny_geo)["returns"].sel(location="Southtown").sum()) == 0


def test_fear_lags_the_guns_by_the_memory(tiny_geo):
    sc = make_scenario(days=12, behaviour={"fear_memory_days": 4.0}, conflict={
        "axes": [], "strikes": [{"place": "Southtown", "start_day": 0, "end_day": 3, "level": 0.8}]})
    model = DisplacementModel(sc, tiny_geo)
    south = tiny_geo.index("Southtown")
    fear = []
    while model.running:
        model.step()
        fear.append(model.fear[south])
    assert np.allclose(fear[:4], 0.8)                                 # rises with the danger
    assert np.allclose(fear[4:], 0.8 * np.exp(-np.arange(1, 9) / 4.0))  # then fades


def test_who_may_go_home():
    cfg = ReturnConfig(return_per_day=1.0, return_after_safe_days=2, safe_danger=0.05)
    hh = households([Status.CAMP, Status.OPEN, Status.HOST, Status.TRANSIT, Status.CAMP,
                     Status.CAMP], displaced_day=[3, 3, -1, 3, 3, 3])
    hh.home[:] = 1
    hh.home[4] = 2                          # day-0 home a camp cluster
    hh.flee_ready_day[5] = 9                # about to flee again
    safe_days = np.array([0, 2, 5])
    camp_home = np.array([False, False, True])
    going = returning_home(hh, safe_days, np.zeros(3, bool), camp_home, cfg, np.random.default_rng(0))
    assert going.tolist() == [0, 1]         # not: never displaced, on the road, camp home, plan
    assert returning_home(hh, np.array([0, 1, 5]), np.zeros(3, bool), camp_home, cfg,
                          np.random.default_rng(0)).tolist() == []      # not safe long enough
    assert returning_home(hh, safe_days, np.array([False, True, False]), camp_home, cfg,
                          np.random.default_rng(0)).tolist() == []      # home now government-held
    hh.return_home(going, 10)
    assert (hh.status[going] == Status.HOME).all() and (hh.location[going] == 1).all()
    assert count_safe_days(np.array([0, 3]), np.array([0.01, 0.2]), cfg).tolist() == [1, 0]


def test_the_displaced_with_a_safe_home_are_found_from_the_rows_of_safe_homes():
    from sim.engine.tallies import displaced_with_safe_home

    rng = np.random.default_rng(2)
    for _ in range(20):
        n, places = int(rng.integers(1, 300)), int(rng.integers(1, 9))
        home = np.sort(rng.integers(0, places, n)).astype(np.int16)
        status = rng.integers(0, 7, n).astype(np.int8)
        displaced_day = np.where(rng.random(n) < 0.6, rng.integers(0, 9, n), -1).astype(np.int16)
        ready = np.where(rng.random(n) < 0.2, 3, -1).astype(np.int16)
        safe = rng.random(places) < 0.4
        rows = np.searchsorted(home, np.arange(places + 1))
        plain = np.flatnonzero(np.isin(status, [Status.CAMP, Status.HOST, Status.OPEN, Status.BORDER])
                               & (displaced_day >= 0) & (ready < 0) & safe[home])
        got = displaced_with_safe_home(status, displaced_day, ready, home, safe, rows)
        np.testing.assert_array_equal(got, plain)
        unordered = displaced_with_safe_home(status, displaced_day, ready, home, safe,
                                             np.zeros(0, np.int64))
        np.testing.assert_array_equal(unordered, plain)


def test_home_rows_only_for_households_in_the_order_of_their_homes():
    hh = households([Status.HOME] * 4)
    hh.home[:] = [0, 0, 2, 2]
    assert hh.home_rows(3).tolist() == [0, 2, 2, 4]
    hh.extend(households([Status.HOME]))                  # home 0 after home 2: not in order
    assert len(hh.home_rows(3)) == 0
