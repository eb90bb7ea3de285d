"""First even number: rounds of parallel blocks from the front, stopping at the first hit.

Rounds double in length from FIRST elements up to LARGEST, so an early answer costs little and a
long search takes few parallel regions. A block first counts its even numbers (a loop without
an early exit, which vectorises) and only when there is one scans forwards for the first. After
each round the earliest block's hit wins.
"""

import numba
import numpy as np

BLOCK = 1 << 15
FIRST = 1 << 18
LARGEST = 1 << 23


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    hits = np.empty(LARGEST // BLOCK, np.int64)
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
                count += (y[i] & 1) == 0
            hit = -1
            if count > 0:
                for i in range(y.shape[0]):
                    if (y[i] & 1) == 0:
                        hit = lo + i
                        break
            hits[b] = hit
        for b in range(blocks):
            if hits[b] >= 0:
                return hits[b]
        start = stop
        step = min(2 * step, LARGEST)
    return -1
