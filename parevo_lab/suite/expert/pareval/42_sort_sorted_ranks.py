"""Ranks by a stable parallel radix sort of the floats' order-preserving bit patterns.

A float32's bits become a key in [0, 2^32) that orders like the float (non-negatives: sign bit
set; negatives: all bits flipped; -0.0 counted as 0.0). The library's stable LSD radix sort
gives the stable argsort, and ranks[order[j]] = j is a parallel scatter (order is a
permutation, so no two iterations write the same rank).
"""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    bits = x.view(np.int32)
    keys = np.empty(n, np.int64)
    for i in numba.prange(n):
        b = np.int64(bits[i]) & 0xFFFFFFFF
        if b == 0x80000000:  # -0.0 ranks like 0.0
            b = 0
        keys[i] = (b ^ 0xFFFFFFFF) if b >= 0x80000000 else (b | 0x80000000)
    _, order = P.radix_sort(keys)
    ranks = np.empty(n, np.int64)
    for j in numba.prange(n):
        ranks[order[j]] = j
    return ranks
