"""Random draws whose numbers a rule turns out not to need, consumed without making them.

A rule that draws one uniform per household and then finds nothing to do with them (e.g. no
place has room for an onward move today) must still move the model's random stream on by as
many draws: the draws after it, and so the run, stay the same to the last bit.
"""

from __future__ import annotations

import numpy as np


def skip_uniforms(rng: np.random.Generator, n: int) -> None:
    """Leave ``rng`` exactly as ``rng.random(n)`` would.

    NumPy's PCG64 makes a double from one 64-bit step, so ``random(n)`` is ``n`` steps of its
    generator; ``advance(n)`` jumps there at once. ``advance`` also drops the 32-bit half kept
    for the next 32-bit draw, which ``random`` leaves alone, so that half is put back. Any
    other bit generator draws the numbers.
    """
    if n <= 0:
        return
    bits = rng.bit_generator
    if type(bits) is not np.random.PCG64:
        rng.random(n)
        return
    before = bits.state
    bits.advance(n)
    if before["has_uint32"]:
        after = bits.state
        after["has_uint32"], after["uinteger"] = before["has_uint32"], before["uinteger"]
        bits.state = after
