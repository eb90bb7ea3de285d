"""Last short book: rounds of parallel blocks from the end, stopping at the first round that hits.

Each round covers the blocks just before the part already searched; rounds double in length from
FIRST elements up to LARGEST, so an answer near the end costs little and a long search takes few
parallel regions. A block first counts its short books (a loop without an early exit, which
vectorises) and only when there is one scans backwards for the last. After a round, the hit of
the latest block wins.
"""

import numba
import numpy as np

BLOCK = 1 << 15
FIRST = 1 << 18
LARGEST = 1 << 23


@numba.njit(parallel=True)
def kernel(pages):
    hits = np.empty(LARGEST // BLOCK, np.int64)
    end = pages.shape[0]
    step = FIRST
    while end > 0:
        start = max(0, end - step)
        blocks = (end - start + BLOCK - 1) // BLOCK
        for b in numba.prange(blocks):
            hi = end - b * BLOCK
            y = pages[max(start, hi - BLOCK) : hi]
            count = 0
            for i in range(y.shape[0]):
                count += y[i] < 100
            hit = -1
            if count > 0:
                for i in range(y.shape[0] - 1, -1, -1):
                    if y[i] < 100:
                        hit = hi - y.shape[0] + i
                        break
            hits[b] = hit
        for b in range(blocks):  # block 0 is the latest
            if hits[b] >= 0:
                return hits[b]
        end = start
        step = min(2 * step, LARGEST)
    return -1
