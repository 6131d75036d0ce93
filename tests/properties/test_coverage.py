"""The random worlds reach the cases the properties are about, so no property holds only
because nothing happened: full camps, queues at closed crossings, quota days with crossings,
people sheltered where the front arrives, full roads, places opened by the response, returns
and journeys that ended on the way."""

import numpy as np
import pytest
from hypothesis import Phase, find, settings

from .invariants import border_policy
from .worlds import SETTINGS, simulate, worlds


def camp_full_and_people_in_the_open(ds, scenario):
    camp = ds["kind"].values == "camp"
    cap = ds["camp_capacity"]
    cap = cap.transpose("time", "location").values if "time" in cap.dims else cap.values
    full = ds["camp_occupancy"].values >= cap - 10
    return bool((full & (ds["in_open"].values > 0))[:, camp].any())


def _by_policy(ds, scenario, status_wanted, values):
    for i in np.flatnonzero(ds["kind"].values == "crossing"):
        status, _ = border_policy(scenario, str(ds["location"].values[i]), ds.sizes["time"])
        if any(s == status_wanted and v > 0 for s, v in zip(status, values[:, i])):
            return True
    return False


def waiting_at_a_closed_crossing(ds, scenario):
    return _by_policy(ds, scenario, "closed", ds["waiting_at_border"].values)


def crossing_on_a_quota_day(ds, scenario):
    return _by_policy(ds, scenario, "quota", ds["border_crossings"].values)


def sheltered_where_the_government_side_holds(ds, scenario):
    held = ds["government_control"].values.astype(bool)
    return bool((held & (ds["displaced_present"].values > 0)).any())


def the_response_opened_places(ds, scenario):
    return bool((ds["camp_capacity_opened"].values > 0).any())


def households_went_home(ds, scenario):
    return bool((ds["returns"].values > 0).any())


def journeys_ended_on_the_way(ds, scenario):
    return bool((ds["settled_in_open"].values > 0).any())


def a_road_used_to_capacity(ds, scenario):
    cap = ds["road_capacity"].values
    flow = ds["road_flow_forward"].values
    return bool(((flow > 0) & (flow >= cap - 10)).any())


@pytest.mark.parametrize("happens", [camp_full_and_people_in_the_open, waiting_at_a_closed_crossing,
                                     crossing_on_a_quota_day, sheltered_where_the_government_side_holds,
                                     a_road_used_to_capacity, the_response_opened_places,
                                     households_went_home, journeys_ended_on_the_way])
def test_the_random_worlds_reach(happens, tmp_path_factory):
    base = tmp_path_factory.getbasetemp()

    def reached(world):
        (ds,), scenario = simulate(world, base)
        return happens(ds, scenario)

    # Generation only (no shrinking): this asks whether such a world comes up, not for the smallest.
    # Hypothesis also draws constants found in the project's loaded modules, so the sequence of
    # worlds changes whenever a module is added or imported earlier (measured: a full camp with
    # people in the open came up at world 12 or at world 93); the bound leaves room for that.
    find(worlds(), reached, settings=settings(max_examples=200, phases=[Phase.generate], **SETTINGS))
