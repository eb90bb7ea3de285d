"""Sort by x with the parallel radix sort, then the reference's sweep, one block of points each.

Each float's bits become a 64-bit key that orders like the float when read as unsigned; its two
32-bit halves are radix sorted (low half, then stably the high half) with
parevo_lab.primitives.radix_sort, which gives the permutation sorting the points by x. Each
block of BLOCK consecutive points (in x order) then runs the sweep for its own points, scanning
forward past its end as far as its own best distance requires; the answer is the smallest of the
blocks' bests. A block's first points scan further than in the serial sweep (their best starts
at inf), a small cost for independent blocks.
"""

import numba
import numpy as np

from parevo_lab import primitives as P

BLOCK = 4096
LOW = 0xFFFFFFFF


@numba.njit(parallel=True)
def kernel(points):
    n = points.shape[0]
    column = np.empty(n)
    for i in numba.prange(n):
        column[i] = points[i, 0]
    as_bits = column.view(np.int64)
    low = np.empty(n, np.int64)
    high = np.empty(n, np.int64)
    for i in numba.prange(n):
        bits = as_bits[i]
        key = ~bits if bits < 0 else bits
        low[i] = key & LOW
        high[i] = (key >> 32) + (0 if bits < 0 else 1 << 31)
    by_low = P.radix_sort(low)[1]
    order = by_low[P.radix_sort(high[by_low])[1]]
    xs = np.empty(n)
    ys = np.empty(n)
    for t in numba.prange(n):
        xs[t] = points[order[t], 0]
        ys[t] = points[order[t], 1]
    blocks = (n + BLOCK - 1) // BLOCK
    bests = np.empty(blocks)
    for b in numba.prange(blocks):
        local = np.inf
        for i in range(b * BLOCK, min((b + 1) * BLOCK, n)):
            for j in range(i + 1, n):
                dx = xs[j] - xs[i]
                if dx * dx >= local:
                    break
                dy = ys[j] - ys[i]
                d = dx * dx + dy * dy
                if d < local:
                    local = d
        bests[b] = local
    best = np.inf
    for b in range(blocks):
        best = min(best, bests[b])
    return np.sqrt(best)
