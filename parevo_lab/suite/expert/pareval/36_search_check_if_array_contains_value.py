"""Contains: rounds of parallel blocks from the front, stopping after the first round that hits.

Rounds double in length from FIRST elements up to LARGEST, so an early occurrence costs little
and a long search takes few parallel regions. Each block counts the elements equal to the
target (a loop without an early exit, which vectorises); after each round the counts are
checked.
"""

import numba
import numpy as np

BLOCK = 1 << 15
FIRST = 1 << 18
LARGEST = 1 << 23


@numba.njit(parallel=True)
def kernel(x, target):
    n = x.shape[0]
    counts = np.empty(LARGEST // BLOCK, np.int64)
    start = 0
    step = FIRST
    while start < n:
        stop = min(n, start + step)
        blocks = (stop - start + BLOCK - 1) // BLOCK
        for b in numba.prange(blocks):
            lo = start + b * BLOCK
            y = x[lo : min(lo + BLOCK, stop)]
            count = 0
            for i in range(y.shape[0]):
                count += y[i] == target
            counts[b] = count
        for b in range(blocks):
            if counts[b] > 0:
                return True
        start = stop
        step = min(2 * step, LARGEST)
    return False
