"""sim.engine.tallies: the one-pass kernels give what the plain NumPy definitions give."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.households import Status
from sim.engine.tallies import waiting_in_reach as _waiting_in_reach


def waiting_in_reach(status, location, arrival_day, people, room, extra_columns=0):
    """The kernel, given the table of people in the open by [place, arrival day + 1] counted
    the plain way (the households keep it by their transitions; tests/test_place_counts.py),
    as wide as the arrival days or wider."""
    table = np.zeros((len(room), max(int(arrival_day.max(initial=-1)) + 2, 1) + extra_columns))
    here = status == Status.OPEN
    np.add.at(table, (location[here], arrival_day[here] + 1), people[here])
    return _waiting_in_reach(status, location, arrival_day, room, table)


def waiting_in_reach_plainly(status, location, arrival_day, people, room):
    """A household in the open at a place with room is in reach when the people waiting there
    who arrived on an earlier day do not fill the room."""
    out = []
    for i in range(len(status)):
        here = location[i]
        if status[i] != Status.OPEN or room[here] <= 0:
            continue
        earlier = (status == Status.OPEN) & (location == here) & (arrival_day < arrival_day[i])
        if people[earlier].sum() < room[here]:
            out.append(i)
    return np.array(out, dtype=np.int64)


@pytest.mark.parametrize("seed", range(12))
def test_waiting_in_reach_is_the_queue_up_to_the_room(seed):
    rng = np.random.default_rng(seed)
    n, places = int(rng.integers(1, 400)), int(rng.integers(1, 12))
    status = rng.choice([Status.HOME, Status.OPEN, Status.OPEN, Status.CAMP], n).astype(np.int8)
    location = rng.integers(0, places, n).astype(np.int16)
    arrival_day = rng.integers(-1, int(rng.integers(1, 40)), n).astype(np.int16)
    people = rng.integers(1, 9, n).astype(np.float64)
    room = np.where(rng.random(places) < 0.3, 0.0, rng.integers(1, 120, places).astype(float))
    got = waiting_in_reach(status, location, arrival_day, people, room)
    want = waiting_in_reach_plainly(status, location, arrival_day, people, room)
    np.testing.assert_array_equal(got, want)
    wider = waiting_in_reach(status, location, arrival_day, people, room, extra_columns=7)
    np.testing.assert_array_equal(wider, want)          # the table may be wider than needed
    if (room > 0).any() and (status == Status.OPEN).any():
        assert len(got) <= int(((status == Status.OPEN) & (room[location] > 0)).sum())


def test_nobody_is_in_reach_where_there_is_no_room():
    status = np.full(5, Status.OPEN, dtype=np.int8)
    got = waiting_in_reach(status, np.zeros(5, np.int16), np.arange(5, dtype=np.int16),
                           np.ones(5), np.zeros(1))
    assert len(got) == 0
