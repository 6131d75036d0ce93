"""Crossings keep to the scenario's border timeline: none through a closed crossing, no more
than the quota on a quota day."""

from hypothesis import given

from .invariants import assert_border_policy_kept
from .worlds import property_settings, simulate, worlds


@property_settings(max_examples=120)
@given(world=worlds())
def test_nobody_crosses_a_closed_crossing_or_beyond_the_quota(world, tmp_path_factory):
    (ds,), scenario = simulate(world, tmp_path_factory.getbasetemp())
    assert_border_policy_kept(ds, scenario)
