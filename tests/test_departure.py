"""sim.engine.departure: wanting to leave is not being able to. A place under steady heavy fire
empties over days, faster with more vehicles; seats, hired transport and walking are rationed as
documented; preparation shrinks with danger; plans the danger no longer supports are given up."""

from __future__ import annotations

import numpy as np
from conftest import make_scenario
from test_households import households

from sim.config.departure import DepartureConfig
from sim.engine.departure import leave_today, preparation_days, shared_seats_people
from sim.engine.households import Status
from sim.engine.model import DisplacementModel, run_model
from sim.io.dataset import to_dataset

UNDER_FIRE = {"axes": [], "strikes": [{"place": "Southtown", "start_day": 0, "end_day": 60,
                                       "level": 1.0}]}


def residents_under_fire(tiny_geo, days=12, **overrides) -> np.ndarray:
    """People still at home in Southtown, shelled at full danger from day 0, each evening."""
    # Near-certain wish to flee under full fire (the flight rule is not what is tested here):
    # what keeps people at home is the means of leaving.
    sc = make_scenario(days=days, conflict=UNDER_FIRE, behaviour={"flee_propensity": 50.0},
                       **overrides)
    ds = to_dataset(run_model(sc, geography=tiny_geo))
    return ds["residents_present"].sel(location="Southtown").values


MEANS = {"mode": "means", "spare_seats_per_vehicle": 4.0, "shared_trips_per_day": 1.0,
         "hired_transport_per_day": 0.5, "walk_per_day": 0.2, "walk_dependants_factor": 0.5}


def test_a_place_under_heavy_fire_empties_over_days_faster_with_more_vehicles(tiny_geo):
    def population(vehicles):
        return {"vehicle_share": vehicles, "transport_money_share": 0.35}

    few = residents_under_fire(tiny_geo, population=population(0.1), departure=MEANS)
    many = residents_under_fire(tiny_geo, population=population(0.3), departure=MEANS)
    at_once = residents_under_fire(tiny_geo, population=population(0.1),
                                   departure={"mode": "immediate"})
    initial = 10_000 * 30_000 / 35_000          # Southtown's share of the tiny population
    # Without the means rule everyone who wants to go is gone the first evening ...
    assert at_once[0] < 0.01 * initial
    # ... with it, the place empties over days: many stay the first night, fewer every day.
    for left in (few, many):
        assert left[0] > 0.3 * initial
        assert np.all(np.diff(left) <= 0) and left[-1] < 0.5 * left[0]
    assert few[-1] > 0.05 * initial                 # still people there after 12 days of fire
    # More vehicles (own and shared seats): fewer left behind on every day.
    assert np.all(many < few)
    assert many[0] < 0.8 * few[0]


def test_seats_go_to_the_households_that_fit_and_the_rest_wait_or_walk():
    d = DepartureConfig(mode="means", spare_seats_per_vehicle=4.0, shared_trips_per_day=1.0,
                        hired_transport_per_day=0.0, walk_per_day=0.0)
    # Two staying vehicle owners (not ready to leave) and five ready families of four at place 0.
    hh = households([Status.HOME] * 7, size=[3, 3, 4, 4, 4, 4, 4])
    hh.has_vehicle[:2] = True
    hh.children[:] = 0                                    # adults only: no dependants
    ready = np.arange(2, 7)
    assert shared_seats_people(hh, np.zeros(0, np.int64), 1, d)[0] == 8.0
    out = leave_today(hh, ready, 1, d, np.random.default_rng(1))
    assert len(out) == 2 and out.by_vehicle.all()        # 8 seats: two families of four
    assert set(out.households) <= set(ready)
    # Walking for certain, nobody with dependants: the other three walk.
    walking = DepartureConfig(**{**d.model_dump(), "walk_per_day": 1.0})
    out = leave_today(hh, ready, 1, walking, np.random.default_rng(1))
    assert len(out) == 5 and out.by_vehicle.sum() == 2
    # An owner leaving today takes one trip's seats with it, and drives itself.
    out = leave_today(hh, np.arange(7), 1, d, np.random.default_rng(1))
    assert set(out.households) >= {0, 1} and out.by_vehicle.all() and len(out) == 4


def test_hired_transport_only_for_those_who_can_pay_and_walking_slower_with_dependants():
    n = 20_000
    hh = households([Status.HOME] * n, size=np.full(n, 4))
    hh.children[:] = 0
    hh.can_pay_transport[: n // 2] = True
    hh.elderly[n // 4: n // 2] = 1                     # half of the payers have an elderly member
    hh.elderly[3 * n // 4:] = 1                        # and half of the others
    d = DepartureConfig(mode="means", spare_seats_per_vehicle=0.0, hired_transport_per_day=0.5,
                        walk_per_day=0.4, walk_dependants_factor=0.25)
    out = leave_today(hh, np.arange(n), 1, d, np.random.default_rng(3))
    driven = np.zeros(n, bool)
    driven[out.households[out.by_vehicle]] = True
    walked = np.zeros(n, bool)
    walked[out.households[~out.by_vehicle]] = True
    assert not driven[n // 2:].any()                          # hired: only those who can pay
    assert abs(driven[: n // 2].mean() - 0.5) < 0.02
    alone, elderly = walked[n // 2: 3 * n // 4].mean(), walked[3 * n // 4:].mean()
    assert abs(alone - 0.4) < 0.03 and abs(elderly - 0.1) < 0.02


def test_preparation_is_shorter_under_heavier_danger():
    rng = np.random.default_rng(5)
    calm = preparation_days(np.zeros(50_000), 2.0, rng)
    shelled = preparation_days(np.full(50_000, 0.5), 2.0, rng)
    front = preparation_days(np.ones(1000), 2.0, rng)
    assert abs(calm.mean() - 2.0) < 0.05 and abs(shelled.mean() - 1.0) < 0.05
    assert (front == 0).all() and calm.min() == 0


def test_a_plan_to_flee_is_given_up_when_the_danger_eases(tiny_geo):
    """Nobody has the means (no vehicles, no money, nobody walks): they plan, wait, and drop
    the plan once the shelling stops."""
    strikes = {"axes": [], "strikes": [{"place": "Southtown", "start_day": 0, "end_day": 4,
                                        "level": 1.0}]}
    sc = make_scenario(days=30, conflict=strikes, population={"vehicle_share": 0.0,
                                                              "transport_money_share": 0.0},
                       departure={"mode": "means", "walk_per_day": 0.0},
                       behaviour={"fear_memory_days": 3.0})
    model = DisplacementModel(sc, tiny_geo)
    south = tiny_geo.index("Southtown")
    plans = []
    while model.running:
        model.step()
        at_south = model.households.home == south
        plans.append(int((model.households.flee_ready_day[at_south] >= 0).sum()))
    assert (model.households.displaced_day < 0).all()          # nobody could leave
    assert min(plans[:5]) > 0.9 * at_south.sum()               # but nearly all meant to
    assert 0 < plans[7] < plans[4]                             # fear lags the guns ...
    assert plans[-1] == 0                                      # and they gave it up when calm came


def test_todays_means_reach_the_flights_among_the_movers_only():
    from sim.engine.departure import Departures
    movers = np.array([2, 5, 7, 11, 40])                       # sorted, as the model has them
    leaving = Departures(np.array([1, 5, 11, 39, 41]), np.array([True, True, False, True, True]))
    mode = np.array([False, False, True, True, False])
    leaving.mode_among(movers, mode)
    # 5 goes by vehicle today, 11 on foot; 1, 39 and 41 are not movers; 2, 7 and 40 keep theirs
    np.testing.assert_array_equal(mode, [False, True, True, False, False])
