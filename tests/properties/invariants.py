"""What must hold on every day of every run, stated over the output dataset only.

Each function asserts one property of docs/model.md on a finished run's
:func:`sim.io.dataset.to_dataset` and names the day and place that break it. They read
nothing of the engine's internals, so the engine can be refactored under them.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sim.config.scenario import Scenario

TOL_PEOPLE = 1e-6
"""Capacities are scaled floats; head-counts are whole people held as floats."""


def _first(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _where(ds: xr.Dataset, mask: np.ndarray) -> str:
    """'day 3 at Camp2' for the first True of a [time, location] mask."""
    t, i = _first(mask)
    return f"day {t} at {ds['location'].values[i]}"


def assert_people_conserved(ds: xr.Dataset) -> None:
    """Every person is somewhere every day: at home, displaced in the area, on the road or
    across the border; the totals add up to the day-0 population, and stocks match flows."""
    initial = ds.attrs["initial_people"]
    total = ds["people_total"].values
    assert np.all(total == initial), f"people_total {total} is not the initial {initial}"
    parts = (ds["residents_present"] + ds["displaced_present"] + ds["in_transit"]).sum("location")
    by_day = parts.values + ds["crossed_border"].values
    assert np.all(by_day == initial), f"residents + displaced + in transit + crossed: {by_day} != {initial}"
    for v in ("residents_present", "displaced_present", "in_transit", "in_camp", "in_host",
              "in_open", "waiting_at_border", "arrivals", "border_crossings", "new_displaced"):
        assert (ds[v].values >= 0).all(), f"negative {v} on {_where(ds, ds[v].values < 0)}"
    # Stocks and flows: crossings add up to those across; first flights to those displaced.
    crossed = np.cumsum(ds["border_crossings"].sum("location").values)
    assert np.array_equal(crossed, ds["crossed_border"].values)
    residents = ds["residents_present"].values
    left, back = ds["left_home"].values, ds["returns"].values
    before = np.vstack([(residents[0] + left[0] - back[0])[None], residents[:-1]])
    assert before[0].sum() == initial, "day-0 residents do not add up to the initial people"
    # Residents leave home only by fleeing (the first time, or again after going back) and come
    # home only by returning; every first displacement leaves home.
    assert np.array_equal(before - residents, left - back)
    assert (ds["new_displaced"].values <= left + TOL_PEOPLE).all()
    assert np.array_equal(ds["cumulative_displaced"].values,
                          np.cumsum(ds["new_displaced"].values.sum(axis=1)))
    gone = initial - residents.sum(axis=1)            # displaced and not home (again)
    assert np.all(gone <= ds["cumulative_displaced"].values + TOL_PEOPLE)
    still_here = (ds["displaced_present"] + ds["in_transit"]).sum("location").values
    assert np.allclose(ds["displaced_by_group"].sum("group").values, still_here)


def _never_rises_over(ds: xr.Dataset, occupied: str, capacity: str, before: np.ndarray,
                      first_day: int) -> None:
    """From ``first_day`` on, ``occupied`` never ends a day above both ``capacity`` and its own
    level the day before (``before`` for the first): departures only lower occupancy, and
    admissions stop at capacity - so a place that is over capacity admits no one."""
    occ = ds[occupied].values[first_day:]
    cap = _by_day(ds, capacity)[first_day:]
    previous = np.vstack([before[None, :], occ[:-1]])
    bad = occ > np.maximum(cap, previous) + TOL_PEOPLE
    if bad.any():
        t, i = _first(bad)
        raise AssertionError(
            f"{occupied} rose from {previous[t, i]:.0f} to {occ[t, i]:.0f} over {capacity} "
            f"{cap[t, i]:.1f} on day {t + first_day} at {ds['location'].values[i]}")


def _by_day(ds: xr.Dataset, capacity: str) -> np.ndarray:
    """A capacity [time, location]: camp capacity grows as the response opens places."""
    cap = ds[capacity]
    return cap.transpose("time", "location").values if "time" in cap.dims else \
        np.broadcast_to(cap.values, (ds.sizes["time"], ds.sizes["location"]))


def assert_no_admission_over_capacity(ds: xr.Dataset) -> None:
    """Camps and host communities admit arrivals only while there is room. A camp cluster
    whose day-0 residents already exceed its capacity may stay over it, but nobody is admitted
    to it while it is over."""
    # Camp places hold admitted arrivals and the day-0 residents of camp clusters, whose number
    # is not in the output: anyone in a camp at the end of day 0 was admitted that day, so the
    # camp must then be within capacity.
    occ0, cap = ds["camp_occupancy"].values[0], _by_day(ds, "camp_capacity")[0]
    bad = (ds["in_camp"].values[0] > 0) & (occ0 > cap + TOL_PEOPLE)
    assert not bad.any(), f"camp admitted people over capacity on {_where(ds, bad[None])}"
    _never_rises_over(ds, "camp_occupancy", "camp_capacity", occ0, first_day=1)
    # Host places start empty (residents are not guests).
    _never_rises_over(ds, "in_host", "host_capacity", np.zeros(ds.sizes["location"]), first_day=0)


def assert_response_within_land(ds: xr.Dataset) -> None:
    """The response only opens places (capacity never falls), and never more at a site than
    its land holds at Sphere's (or the scenario's) land per person."""
    cap = _by_day(ds, "camp_capacity")
    opened = ds["camp_capacity_opened"].values
    assert (opened >= 0).all(), f"capacity closed on {_where(ds, opened < 0)}"
    assert np.allclose(np.diff(cap, axis=0), opened[1:]), "capacity changed by more than was opened"
    total = opened.sum(axis=0)
    bound = ds["response_land_bound"].values
    over = total > bound + TOL_PEOPLE
    assert not over.any(), (f"{total[over][0]:.0f} places opened at "
                            f"{ds['location'].values[over][0]}, land for {bound[over][0]:.0f}")


def border_policy(scenario: Scenario, crossing: str, days: int) -> tuple[list[str], np.ndarray]:
    """Each day's status and quota at a crossing, read straight from the scenario: the last
    phase that has started (the crossing's own timeline, else the default)."""
    phases = scenario.border.crossings.get(crossing, scenario.border.default)
    status, quota = [], np.zeros(days)
    for t in range(days):
        phase = [p for p in phases if p.day <= t][-1]
        status.append(phase.status)
        quota[t] = {"closed": 0.0, "open": np.inf}.get(phase.status, phase.quota_people_per_day)
    return status, quota


def assert_border_policy_kept(ds: xr.Dataset, scenario: Scenario) -> None:
    """Nobody crosses a closed crossing; no more than the quota on a quota day; only
    crossings are crossed."""
    days = ds.sizes["time"]
    kind = ds["kind"].values
    crossings = ds["border_crossings"].values
    not_crossing = crossings[:, kind != "crossing"]
    assert (not_crossing == 0).all(), "people crossed the border at a place that is not a crossing"
    assert (ds["waiting_at_border"].values[:, kind != "crossing"] == 0).all()
    for i in np.flatnonzero(kind == "crossing"):
        name = str(ds["location"].values[i])
        status, quota = border_policy(scenario, name, days)
        for t in range(days):
            assert crossings[t, i] <= quota[t] + TOL_PEOPLE, (
                f"{crossings[t, i]:.0f} people crossed at {name} on day {t} when it was "
                f"{status[t]} (quota {quota[t]:.0f} people/day)")


def assert_nobody_moves_into_government_ground(ds: xr.Dataset) -> None:
    """Civilians do not flee into the advancing side (sim/engine/routing.py, decisions.py):
    on a day a place is government-held nobody enters a road towards it, nobody arrives
    there, and nobody is newly sheltered there - people who were already in its camps, host
    families, open air or border queue when it fell may stay or leave, but none are added."""
    gov = ds["government_control"].values.astype(bool)
    loc = {str(n): i for i, n in enumerate(ds["location"].values)}
    to_b = np.array([loc[str(n)] for n in ds["road_to"].values])
    to_a = np.array([loc[str(n)] for n in ds["road_from"].values])
    for flow, target in (("road_flow_forward", to_b), ("road_flow_backward", to_a)):
        into_held = ds[flow].values * gov[:, target]
        if (into_held > 0).any():
            t, e = _first(into_held > 0)
            raise AssertionError(f"{into_held[t, e]:.0f} people took road {e} into government-held "
                                 f"{ds['location'].values[target[e]]} on day {t}")
    arrived = ds["arrivals"].values * gov
    assert not (arrived > 0).any(), f"arrivals at a government-held place on {_where(ds, arrived > 0)}"
    for v in ("in_camp", "in_host", "in_open", "waiting_at_border"):
        now = ds[v].values
        before = np.vstack([np.zeros((1, now.shape[1])), now[:-1]])
        added = gov & (now > before + TOL_PEOPLE)
        assert not added.any(), f"{v} grew at a government-held place on {_where(ds, added)}"


def assert_returns_only_where_allowed(ds: xr.Dataset, scenario: Scenario) -> None:
    """Nobody goes back to a home held by the government side that day unless the scenario
    lets them (returns.return_to_government_factor > 0), nor to a crossing (nobody lives there)."""
    back = ds["returns"].values
    assert (back >= 0).all(), f"negative returns on {_where(ds, back < 0)}"
    if scenario.returns.return_to_government_factor == 0.0:
        held = ds["government_control"].values.astype(bool) & (back > 0)
        assert not held.any(), f"returns to a government-held home on {_where(ds, held)}"
