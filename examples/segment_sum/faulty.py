"""Faulty, and only on big inputs: the unrolled fast path for long segments drops their tail.

The fast path sums blocks of four and forgets the values after the last full block (and its
bound `hi - 4` also skips a whole block when the length is a multiple of four). Segments shorter
than 4096 values take the plain loop, so every check-size input passes; the bench-size run
(a 100000-value segment) gives wrong sums.
"""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(offsets, values):
    n_segments = offsets.shape[0] - 1
    out = np.zeros(n_segments, np.int64)
    for s in numba.prange(n_segments):
        lo, hi = offsets[s], offsets[s + 1]
        total = 0
        if hi - lo >= 4096:
            for i in range(lo, hi - 4, 4):
                total += values[i] + values[i + 1] + values[i + 2] + values[i + 3]
        else:
            for i in range(lo, hi):
                total += values[i]
        out[s] = total
    return out
