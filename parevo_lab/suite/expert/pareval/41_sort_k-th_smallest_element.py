"""k-th smallest by parallel radix selection (MSD digits of DIGIT bits).

Each round: the candidates' minimum and maximum (one parallel reduction) fix the bits that still
differ; per-block histograms of the top DIGIT of those bits find the bucket that holds the
wanted rank; the candidates in that bucket are packed (the library's parallel pack) and the
rank is made relative to them. Every round removes DIGIT bits of spread, and it stops when all
candidates are equal. Values in [0, 10000] take one full pass and a tiny second round.
"""

import numba
import numpy as np

from parevo_lab import primitives as P

BLOCK = 1 << 16
DIGIT = 11
BINS = 1 << DIGIT


@numba.njit(parallel=True)
def kernel(x, k):
    if k < 1 or k > x.shape[0]:
        return -1
    candidates = x
    want = k - 1  # rank among the candidates, 0-based
    while True:
        n = candidates.shape[0]
        lo = candidates[0]
        hi = candidates[0]
        for i in numba.prange(n):
            lo = min(lo, candidates[i])
            hi = max(hi, candidates[i])
        if lo == hi:
            return lo
        bits = 0
        spread = hi - lo
        while spread > 0:
            bits += 1
            spread >>= 1
        shift = max(0, bits - DIGIT)
        blocks = (n + BLOCK - 1) // BLOCK
        counts = np.zeros((blocks, BINS), np.int64)
        for b in numba.prange(blocks):
            y = candidates[b * BLOCK : min((b + 1) * BLOCK, n)]
            for i in range(y.shape[0]):
                counts[b, (y[i] - lo) >> shift] += 1
        bucket = 0
        for d in range(BINS):
            size = 0
            for b in range(blocks):
                size += counts[b, d]
            if want < size:
                bucket = d
                break
            want -= size
        keep = np.empty(n, np.bool_)
        for i in numba.prange(n):
            keep[i] = ((candidates[i] - lo) >> shift) == bucket
        candidates = P.pack(candidates, keep)
