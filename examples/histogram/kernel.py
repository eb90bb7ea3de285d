"""Correct: one private histogram per block of pixels, summed at the end.

Blocks of a fixed size (not one per thread) keep the kernel cacheable (numba cannot cache a
function that calls numba.get_num_threads()) and give the static scheduler many equal pieces.
"""

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(pixels):
    n = pixels.shape[0]
    blocks = (n + BLOCK - 1) // BLOCK
    private = np.zeros((blocks, 256), np.int64)
    for b in numba.prange(blocks):
        for i in range(b * BLOCK, min((b + 1) * BLOCK, n)):
            private[b, pixels[i]] += 1
    counts = np.zeros(256, np.int64)
    for b in range(blocks):
        counts += private[b]
    return counts
