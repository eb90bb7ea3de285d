"""Faulty: every iteration increments the shared histogram, so concurrent updates are lost.

Numba compiles this without a word. It is right at one thread and loses counts at two or more
as soon as the threads collide on a popular bin (bin 0 holds most pixels here).
"""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(pixels):
    counts = np.zeros(256, np.int64)
    for i in numba.prange(pixels.shape[0]):
        counts[pixels[i]] += 1
    return counts
