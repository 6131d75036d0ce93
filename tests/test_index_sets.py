"""sim.engine.index_sets: set operations on ascending index arrays give NumPy's answers."""

from __future__ import annotations

import numpy as np

from sim.engine.index_sets import joined, union_of, without


def test_the_one_pass_kernels_are_set_difference_and_union():
    rng = np.random.default_rng(7)
    rows = np.sort(rng.choice(100_000, 5000, replace=False))
    leaving = np.sort(rng.choice(rows, 700, replace=False))
    joining = np.sort(rng.choice(np.setdiff1d(np.arange(100_000), rows), 900, replace=False))
    np.testing.assert_array_equal(without(rows, leaving), np.setdiff1d(rows, leaving))
    np.testing.assert_array_equal(joined(rows, joining), np.union1d(rows, joining))
    np.testing.assert_array_equal(joined(rows[:0], joining), joining)
    np.testing.assert_array_equal(without(rows, rows), rows[:0])
    # a household said to leave that was never listed is not found: the rest still go
    np.testing.assert_array_equal(without(np.array([1, 4, 9]), np.array([4, 5])), [1, 9])


def test_the_union_of_ascending_lists_is_numpys_unique():
    rng = np.random.default_rng(4)
    parts = [np.sort(rng.choice(50_000, k, replace=False)) for k in (3000, 40, 0, 700)]
    parts.append(parts[0][::7])                           # overlapping
    np.testing.assert_array_equal(union_of(*parts), np.unique(np.concatenate(parts)))
    assert union_of(np.zeros(0, np.int64)).dtype == np.int64 and len(union_of(np.zeros(0, np.int64))) == 0
