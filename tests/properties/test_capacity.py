"""Admission never fills a camp or a host community past its capacity."""

from hypothesis import given

from .invariants import assert_no_admission_over_capacity, assert_response_within_land
from .worlds import property_settings, simulate, worlds


@property_settings(max_examples=120)
@given(world=worlds())
def test_no_camp_or_host_community_is_filled_over_capacity(world, tmp_path_factory):
    (ds,), _ = simulate(world, tmp_path_factory.getbasetemp())
    assert_no_admission_over_capacity(ds)
    assert_response_within_land(ds)
