"""Xor-contains: a parallel early-exit search of x, then of y.

Each search runs rounds of parallel blocks from the front, doubling in length from FIRST
elements up to LARGEST; a block counts the elements equal to val (a loop without an early exit,
which vectorises), and the search stops after the first round with a hit.
"""

import numba
import numpy as np

BLOCK = 1 << 15
FIRST = 1 << 18
LARGEST = 1 << 23


@numba.njit(parallel=True)
def contains(a, val):
    n = a.shape[0]
    counts = np.empty(LARGEST // BLOCK, np.int64)
    start = 0
    step = FIRST
    while start < n:
        stop = min(n, start + step)
        blocks = (stop - start + BLOCK - 1) // BLOCK
        for b in numba.prange(blocks):
            lo = start + b * BLOCK
            y = a[lo : min(lo + BLOCK, stop)]
            count = 0
            for i in range(y.shape[0]):
                count += y[i] == val
            counts[b] = count
        for b in range(blocks):
            if counts[b] > 0:
                return True
        start = stop
        step = min(2 * step, LARGEST)
    return False


@numba.njit(parallel=True)
def kernel(x, y, val):
    return contains(x, val) != contains(y, val)
