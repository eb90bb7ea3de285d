"""One private 4-bin histogram per block of points, summed at the end; the quadrant comes from
the two sign tests (x >= 0 and y >= 0 on the non-negative side, -0.0 included)."""

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(x, y):
    n = x.shape[0]
    blocks = (n + BLOCK - 1) // BLOCK
    private = np.zeros((blocks, 4), np.int64)
    for b in numba.prange(blocks):
        lo = np.int64(b) * BLOCK
        hi = min(n, lo + BLOCK)
        counts = private[b]
        xs = x[lo:hi]
        ys = y[lo:hi]
        for i in range(xs.shape[0]):
            quadrant = 0
            if xs[i] < 0:
                quadrant = 1
            if ys[i] < 0:
                quadrant = 3 - quadrant
            counts[quadrant] += 1
    return private.sum(axis=0)
