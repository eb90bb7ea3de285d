"""One private 26-bin histogram per block of strings (reading each row's first byte), summed at
the end."""

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(s):
    n = s.shape[0]
    blocks = (n + BLOCK - 1) // BLOCK
    private = np.zeros((blocks, 26), np.int64)
    for b in numba.prange(blocks):
        lo = np.int64(b) * BLOCK
        counts = private[b]
        first = s[lo : min(n, lo + BLOCK), 0]
        for i in range(first.shape[0]):
            counts[first[i] - 97] += 1
    return private.sum(axis=0)
