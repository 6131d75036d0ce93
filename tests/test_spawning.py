"""Spawning mode (sim/engine/spawning.py): people enter as the observed total grows.

On the tiny geography: fighting at Southtown from day 0 and at Midtown (half intensity, twice
the people, so the same weight) from day 10; 300 people in Northcamp's camp on day 0.
"""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from conftest import make_scenario

from sim.engine.households import Status
from sim.engine.model import DisplacementModel, run_model
from sim.engine.spawning import entering_per_day, entry_weights
from sim.errors import InputError
from sim.io.dataset import to_dataset

DAYS = 40
TOTAL = [300 + 250 * t for t in range(20)] + [5000, 4800, 4700] + [5200 + 100 * t for t in range(17)]


def spawning_scenario(**overrides):
    base = {
        "days": DAYS,
        "conflict": {"axes": [], "strikes": [
            {"place": "Southtown", "start_day": 0, "end_day": DAYS - 1, "level": 1.0},
            {"place": "Midtown", "start_day": 10, "end_day": DAYS - 1, "level": 0.5}]},
        "spawning": {"mode": "observed_total", "observed_total_people": TOTAL,
                     "initial_people_by_place": {"Northcamp": 300}},
    }
    base.update(overrides)
    return make_scenario(**base)


@pytest.fixture(scope="module")
def model(tiny_geo):
    return run_model(spawning_scenario(), geography=tiny_geo)


def test_entering_is_the_increase_of_the_running_high():
    got = entering_per_day([10, 12, 11, 11, 15, 14], 8)
    assert got.tolist() == [0, 2, 0, 0, 3, 0, 0, 0]      # a fall is made up first; then it holds
    assert entering_per_day([5, 7, 9], 2).tolist() == [0, 2]


def test_people_in_the_system_follow_the_observed_total_exactly(model):
    ds = to_dataset(model)
    high = np.maximum.accumulate(np.array(TOTAL))
    assert np.array_equal(ds["people_total"].values, high)     # day 0: the 300 in the camp
    assert int(ds.attrs["initial_people"]) == 300
    assert np.array_equal(ds["entered"].sum("location").values, np.diff(high, prepend=high[0]))


def test_people_are_conserved_every_day(model):
    ds = to_dataset(model)
    by_loc = (ds["residents_present"] + ds["displaced_present"] + ds["in_transit"]).sum("location")
    assert np.array_equal(by_loc + ds["crossed_border"], ds["people_total"])
    hh = model.households
    assert hh.people == ds["people_total"].values[-1]
    counts = np.bincount(hh.status, weights=hh.size, minlength=len(Status))
    assert counts.sum() == hh.people


def test_newcomers_enter_where_there_is_fighting_by_population_x_danger(model):
    ds = to_dataset(model)
    entered = ds["entered"].to_pandas()
    assert entered.drop(columns=["Southtown", "Midtown"]).to_numpy().sum() == 0
    assert entered["Midtown"].iloc[:10].sum() == 0 and entered["Southtown"].iloc[1:10].sum() > 0
    late = entered.iloc[10:]
    share = late["Midtown"].sum() / late[["Southtown", "Midtown"]].to_numpy().sum()
    assert 0.4 < share < 0.6                                 # 20,000 x 0.5 against 10,000 x 1


def test_newcomers_set_off_and_are_displaced(model):
    hh, new = model.households, model.spawner.spawned
    assert len(new) > 100 and new[0] == np.flatnonzero(hh.home != hh.home[0])[0]
    assert (hh.displaced_day[new] >= 0).all()                # every newcomer has left ...
    assert (hh.status[new] != Status.HOME).all()
    camp_end = to_dataset(model)["in_camp"].isel(time=-1).sel(location="Northcamp")
    assert camp_end > 0.5 * TOTAL[-1]                        # ... and most reach the camp
    day0 = np.setdiff1d(np.arange(len(hh)), new)
    assert hh.size[day0].sum() == 300 and (hh.home[day0] == model.geography.index("Northcamp")).all()


def test_spawning_is_deterministic_per_seed(tiny_geo):
    a = to_dataset(run_model(spawning_scenario(days=20), geography=tiny_geo))
    b = to_dataset(run_model(spawning_scenario(days=20), geography=tiny_geo))
    c = to_dataset(run_model(spawning_scenario(days=20), seed=9, geography=tiny_geo))
    for v in a.data_vars:
        xr.testing.assert_identical(a[v], b[v])
    assert not np.array_equal(a["entered"].values, c["entered"].values)
    assert np.array_equal(a["people_total"].values, c["people_total"].values)   # totals are data


def test_without_fighting_people_enter_at_towns_by_population(tiny_geo):
    w = entry_weights(tiny_geo, np.zeros(tiny_geo.n_locations))
    assert dict(zip(tiny_geo.names, w)) == {"Southtown": 10000, "Midtown": 20000, "Northcamp": 0,
                                            "Gate": 0, "Hostland": 0}


def test_spawning_mode_does_not_scale_capacities(tiny_geo):
    m = DisplacementModel(spawning_scenario(), tiny_geo)
    assert m.population_scale == 1.0 and m.camp_capacity[tiny_geo.index("Northcamp")] == 30000 * \
        m.config.capacity.camp_capacity_scale


def test_spawning_settings_are_checked():
    with pytest.raises(InputError, match="observed_total_people"):
        make_scenario(spawning={"mode": "observed_total"})
    with pytest.raises(InputError, match="spawning.initial_people_by_place.Nowhere"):
        spawning_scenario(spawning={"mode": "observed_total", "observed_total_people": [1],
                                    "initial_people_by_place": {"Nowhere": 3}})


def test_a_run_may_start_with_nobody_in_the_system(tiny_geo):
    sc = spawning_scenario(days=10, spawning={"mode": "observed_total",
                                              "observed_total_people": [0, 0, 50, 100]})
    ds = to_dataset(run_model(sc, geography=tiny_geo))
    assert ds.attrs["initial_people"] == 0
    assert ds["people_total"].values.tolist() == [0, 0, 50] + [100] * 7
