"""sim.engine.draws: draws skipped leave the random stream exactly where making them would."""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.draws import skip_uniforms


def state_after(rng: np.random.Generator, consume) -> tuple:
    consume(rng)
    return rng.bit_generator.state, rng.random(5), rng.integers(0, 1000, 5, dtype=np.int32)


@pytest.mark.parametrize("n", [0, 1, 7, 150_001])
@pytest.mark.parametrize("half_kept", [False, True])
def test_skipping_uniforms_leaves_the_generator_as_drawing_them(n, half_kept):
    # half_kept: a 32-bit draw before leaves half of a 64-bit step for the next one, which
    # random() does not touch and advance() would drop.
    def prepared():
        rng = np.random.default_rng(42)
        rng.random(3)
        if half_kept:
            rng.integers(0, 10, 1, dtype=np.int32)
            assert rng.bit_generator.state["has_uint32"] == 1
        return rng

    drawn = state_after(prepared(), lambda r: r.random(n))
    skipped = state_after(prepared(), lambda r: skip_uniforms(r, n))
    assert drawn[0] == skipped[0]
    np.testing.assert_array_equal(drawn[1], skipped[1])
    np.testing.assert_array_equal(drawn[2], skipped[2])


def test_another_bit_generator_draws_the_numbers():
    a = np.random.Generator(np.random.MT19937(3))
    b = np.random.Generator(np.random.MT19937(3))
    a.random(1000)
    skip_uniforms(b, 1000)
    np.testing.assert_array_equal(a.random(4), b.random(4))
