"""Largest subarray sum by blocks: each block summarised, the summaries folded in order.

A block is summarised by four numbers: its total, its best non-empty prefix, its best non-empty
suffix and its best non-empty subarray. They come from one pass over the block's running sum
P (P_0 = 0): best subarray = max over j of P_j - min(P_0..P_{j-1}), best suffix =
total - min(P_0..P_{len-1}), best prefix = max(P_1..P_len). Folding the blocks left to right, a
subarray that crosses blocks is the running best suffix plus the next block's best prefix.
"""

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    if n == 0:
        return 0
    blocks = (n + BLOCK - 1) // BLOCK
    totals = np.empty(blocks, np.int64)
    prefixes = np.empty(blocks, np.int64)
    suffixes = np.empty(blocks, np.int64)
    bests = np.empty(blocks, np.int64)
    for b in numba.prange(blocks):
        y = x[b * BLOCK : min((b + 1) * BLOCK, n)]
        running = np.int64(0)
        lowest = np.int64(0)  # min(P_0..P_i)
        top = np.int64(y[0])
        best = np.int64(y[0])
        for i in range(y.shape[0]):
            if running < lowest:
                lowest = running
            running += y[i]
            if running - lowest > best:
                best = running - lowest
            if running > top:
                top = running
        totals[b] = running
        prefixes[b] = top
        suffixes[b] = running - lowest
        bests[b] = best
    best = bests[0]
    suffix = suffixes[0]
    for b in range(1, blocks):
        best = max(best, bests[b], suffix + prefixes[b])
        suffix = max(suffixes[b], suffix + totals[b])
    return best
