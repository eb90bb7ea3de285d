"""Closest to pi: each block finds its closest element, then the blocks are compared in order.

Within a block and across blocks only a strictly smaller distance replaces the best, so ties go
to the smallest index, as in the reference; the distances are computed exactly as the reference
computes them, so the answer is the same index.
"""

import math

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    blocks = (n + BLOCK - 1) // BLOCK
    distances = np.empty(blocks, np.float64)
    where = np.empty(blocks, np.int64)
    for b in numba.prange(blocks):
        lo = b * BLOCK
        y = x[lo : min(lo + BLOCK, n)]
        best = 0
        best_distance = abs(y[0] - math.pi)
        for i in range(1, y.shape[0]):
            distance = abs(y[i] - math.pi)
            if distance < best_distance:
                best_distance = distance
                best = i
        distances[b] = best_distance
        where[b] = lo + best
    best = -1
    best_distance = math.inf
    for b in range(blocks):
        if distances[b] < best_distance:
            best_distance = distances[b]
            best = where[b]
    return best
