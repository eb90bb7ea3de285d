"""Correct: one segment per prange iteration, accumulated in 64 bits."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(offsets, values):
    n_segments = offsets.shape[0] - 1
    out = np.zeros(n_segments, np.int64)
    for s in numba.prange(n_segments):
        total = 0
        for i in range(offsets[s], offsets[s + 1]):
            total += values[i]
        out[s] = total
    return out
