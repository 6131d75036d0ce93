"""sim.engine.statuses: the lists of households by status stay in index order through any
change, as a fresh ``np.flatnonzero`` would give them."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.statuses import StatusLists, status_in


@pytest.mark.parametrize("seed", range(5))
def test_joining_and_leaving_give_what_a_fresh_listing_gives(seed):
    rng = np.random.default_rng(seed)
    status = rng.integers(0, 4, 3000).astype(np.int8)
    lists = StatusLists(status, (1, 3))
    for _ in range(40):
        idx = rng.choice(len(status), rng.integers(0, 200), replace=False)   # any order
        before = status[idx].copy()
        after = rng.integers(0, 4, 1 if rng.random() < 0.5 else len(idx)).astype(np.int8)
        status[idx] = after
        lists.move(idx, before, after)
        for s in (1, 3):
            np.testing.assert_array_equal(lists.rows[s], np.flatnonzero(status == s))
    assert lists.wrong(status, np.ones(len(status)), np.bincount(status, minlength=4)[:, None]) == -1


def test_a_wrong_list_is_named_by_its_status():
    status = np.array([1, 0, 1, 2], dtype=np.int8)
    lists = StatusLists(status, (1, 2))
    head_count = np.bincount(status, minlength=3)[:, None].astype(float)
    assert lists.wrong(status, np.ones(4), head_count) == -1
    lists.rows[2] = np.array([1])                       # a household at home listed as 2
    assert lists.wrong(status, np.ones(4), head_count) == 2
    lists.rows[2] = np.array([3])
    lists.rows[1] = np.array([0])                       # one of two left out
    assert lists.wrong(status, np.ones(4), head_count) == 1


def test_status_in_is_isin():
    status = np.random.default_rng(3).integers(0, 7, 1000).astype(np.int8)
    for wanted in [(1,), (0, 2, 3, 4, 5), (6, 1), tuple(range(7))]:
        np.testing.assert_array_equal(status_in(status, wanted), np.isin(status, wanted))
