"""sim.engine.place_counts: counts kept by moving households cell to cell equal fresh counts."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.place_counts import PlaceCounts

TRANSIT, OPEN, N_STATUS = 1, 4, 7


def fresh(status, location, destination, next_node, arrival, people, vehicle, n):
    c = PlaceCounts.count(status, location, destination, next_node, arrival, people, vehicle,
                          N_STATUS, n, TRANSIT, OPEN)
    return c.people.copy(), c.vehicles.copy(), c.heading.copy(), c.queued.copy(), c.open_by_arrival


def open_table(status, location, arrival, people, n, columns):
    """People in the open by [place, arrival day + 1], the plain way."""
    out = np.zeros((n, columns))
    here = status == OPEN
    np.add.at(out, (location[here], arrival[here] + 1), people[here])
    return out


@pytest.mark.parametrize("seed", range(8))
def test_moving_households_keeps_every_count_equal_to_a_fresh_one(seed):
    rng = np.random.default_rng(seed)
    n_hh, n = 300, 9
    status = rng.integers(0, N_STATUS, n_hh).astype(np.int8)
    location = rng.integers(0, n, n_hh).astype(np.int16)
    destination = np.where(rng.random(n_hh) < 0.5, rng.integers(0, n, n_hh), -1).astype(np.int16)
    next_node = np.where(rng.random(n_hh) < 0.5, rng.integers(0, n, n_hh), -1).astype(np.int16)
    arrival = rng.integers(-1, 3, n_hh).astype(np.int16)
    people = rng.integers(1, 12, n_hh).astype(np.float64)
    vehicle = rng.random(n_hh) < 0.3
    kept = PlaceCounts.count(status, location, destination, next_node, arrival, people, vehicle,
                             N_STATUS, n, TRANSIT, OPEN)
    np.testing.assert_array_equal(kept.people.sum(axis=1), np.bincount(status, people, N_STATUS))
    for day in range(30):               # arrival days beyond the first table's width: it widens
        idx = rng.choice(n_hh, int(rng.integers(0, 40)), replace=False)
        to_s = rng.integers(0, N_STATUS, len(idx)).astype(np.int8)
        to_l = np.where(rng.random(len(idx)) < 0.5, location[idx], rng.integers(0, n, len(idx)))
        to_d = rng.integers(-1, n, len(idx))
        to_nn = np.where(rng.random(len(idx)) < 0.5, -1, rng.integers(0, n, len(idx)))
        to_a = np.where(rng.random(len(idx)) < 0.5, arrival[idx], day)
        kept.move(status, location, destination, next_node, arrival, people, vehicle, idx, to_s,
                  to_l, to_d, to_nn, to_a)
        status[idx], location[idx], destination[idx], next_node[idx] = to_s, to_l, to_d, to_nn
        arrival[idx] = to_a
    want = fresh(status, location, destination, next_node, arrival, people, vehicle, n)
    for got, expected in zip((kept.people, kept.vehicles, kept.heading, kept.queued), want):
        np.testing.assert_array_equal(got, expected)
    columns = kept.open_by_arrival.shape[1]
    assert columns >= int(arrival.max()) + 2
    np.testing.assert_array_equal(kept.open_by_arrival,
                                  open_table(status, location, arrival, people, n, columns))
    assert kept.open_by_arrival.sum() == people[status == OPEN].sum() > 0
    on_road = (status == TRANSIT) & (destination >= 0)
    np.testing.assert_array_equal(kept.heading, np.bincount(destination[on_road], people[on_road], n))
    at_node = (status == TRANSIT) & (next_node < 0)
    np.testing.assert_array_equal(kept.queued, np.bincount(location[at_node], people[at_node], n))


def test_counts_of_two_sets_add_up():
    one = PlaceCounts.count(np.array([0, 1], np.int8), np.array([0, 1]), np.array([-1, 2]),
                            np.array([-1, -1]), np.array([-1, -1]), np.array([3.0, 4.0]),
                            np.array([True, False]), N_STATUS, 3, TRANSIT, OPEN)
    two = PlaceCounts.count(np.array([1, OPEN], np.int8), np.array([2, 1]), np.array([2, -1]),
                            np.array([0, -1]), np.array([-1, 6]), np.array([5.0, 2.0]),
                            np.array([True, False]), N_STATUS, 3, TRANSIT, OPEN)
    one.add(two)
    assert one.heading.tolist() == [0, 0, 9] and one.queued.tolist() == [0, 4, 0]
    assert one.people[1].tolist() == [0, 4, 5] and one.vehicles[:, 0].tolist()[:2] == [1, 0]
    assert one.open_by_arrival.shape[1] >= 8 and one.open_by_arrival[1, 7] == 2.0
    assert one.open_by_arrival.sum() == 2.0
