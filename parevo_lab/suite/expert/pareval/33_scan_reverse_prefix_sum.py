"""Reverse prefix sum: blocked two-pass scan over the output, reading x backwards.

Output block b covers positions [lo, hi), which read x[n - hi : n - lo] from its end. Pass 1 sums
each block's slice of x; a serial exclusive scan of the block sums gives each block its carry;
pass 2 writes each output block from its carry. Integer sums are exact, so the result is the
reference's bit for bit.
"""

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    output = np.empty(n, np.int64)
    blocks = (n + BLOCK - 1) // BLOCK
    sums = np.empty(blocks, np.int64)
    for b in numba.prange(blocks):
        lo = b * BLOCK
        hi = min(lo + BLOCK, n)
        y = x[n - hi : n - lo]
        s = 0
        for i in range(y.shape[0]):
            s += y[i]
        sums[b] = s
    carries = np.empty(blocks, np.int64)
    running = 0
    for b in range(blocks):
        carries[b] = running
        running += sums[b]
    for b in numba.prange(blocks):
        lo = b * BLOCK
        hi = min(lo + BLOCK, n)
        y = x[n - hi : n - lo]
        out = output[lo:hi]
        m = y.shape[0]
        s = carries[b]
        for t in range(m):
            s += y[m - 1 - t]
            out[t] = s
    return output
