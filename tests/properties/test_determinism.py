"""The same scenario and seed give the same dataset; another seed gives another valid run."""

import numpy as np
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from sim.io.conventions import DATE_ATTRS

from .invariants import (
    assert_border_policy_kept,
    assert_no_admission_over_capacity,
    assert_nobody_moves_into_government_ground,
    assert_people_conserved,
    assert_response_within_land,
)
from .worlds import property_settings, simulate, worlds

RUN_TIME_ATTRS = (*DATE_ATTRS, "history")
"""Global attributes that record when the file was made, not what the run computed."""


def _without_attrs(ds: xr.Dataset) -> xr.Dataset:
    out = ds.copy()
    out.attrs = {}
    return out


@property_settings(max_examples=40)
@given(world=worlds(), other_seed=st.integers(0, 2**32 - 1))
def test_same_seed_same_dataset_other_seed_a_valid_run(world, other_seed, tmp_path_factory):
    (a, b, c), scenario = simulate(world, tmp_path_factory.getbasetemp(), None, None, other_seed)
    xr.testing.assert_identical(_without_attrs(a), _without_attrs(b))   # every variable
    differing = {k for k in a.attrs.keys() | b.attrs.keys()
                 if not np.array_equal(a.attrs.get(k), b.attrs.get(k))}
    assert differing <= set(RUN_TIME_ATTRS), f"attributes differ: {differing}"

    assert c.attrs["seed"] == other_seed
    assert_people_conserved(c)
    assert_no_admission_over_capacity(c)
    assert_border_policy_kept(c, scenario)
    assert_nobody_moves_into_government_ground(c)
    assert_response_within_land(c)
