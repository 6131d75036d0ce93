"""Nobody moves into a place while it is held by the government side."""

from hypothesis import given

from .invariants import assert_nobody_moves_into_government_ground, assert_returns_only_where_allowed
from .worlds import property_settings, simulate, worlds


@property_settings(max_examples=120)
@given(world=worlds())
def test_nobody_moves_into_government_held_places(world, tmp_path_factory):
    (ds,), scenario = simulate(world, tmp_path_factory.getbasetemp())
    assert_nobody_moves_into_government_ground(ds)
    assert_returns_only_where_allowed(ds, scenario)
