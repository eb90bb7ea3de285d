"""One private 10-bin histogram per block of values, summed at the end."""

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    blocks = (n + BLOCK - 1) // BLOCK
    private = np.zeros((blocks, 10), np.int64)
    for b in numba.prange(blocks):
        lo = np.int64(b) * BLOCK
        counts = private[b]
        chunk = x[lo : min(n, lo + BLOCK)]
        for i in range(chunk.shape[0]):
            counts[min(int(chunk[i] / 10.0), 9)] += 1
    return private.sum(axis=0)
