"""In-place prefix minimum: blocked two-pass scan under min.

Pass 1: each block finds its minimum. A serial pass over the block minima gives each block its
carry (the minimum of all blocks before it). Pass 2: each block rescans its own slice in place,
starting from its carry. Blocks have a fixed size, so the result never depends on the thread
count (minima are exact anyway).
"""

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    blocks = (n + BLOCK - 1) // BLOCK
    lows = np.empty(blocks, np.float32)
    for b in numba.prange(blocks):
        y = x[b * BLOCK : min((b + 1) * BLOCK, n)]
        low = y[0]
        for i in range(1, y.shape[0]):
            if y[i] < low:
                low = y[i]
        lows[b] = low
    carries = np.empty(blocks, np.float32)
    running = np.float32(np.inf)
    for b in range(blocks):
        carries[b] = running
        if lows[b] < running:
            running = lows[b]
    for b in numba.prange(blocks):
        y = x[b * BLOCK : min((b + 1) * BLOCK, n)]
        low = carries[b]
        for i in range(y.shape[0]):
            if y[i] < low:
                low = y[i]
            y[i] = low
