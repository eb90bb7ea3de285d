"""Blocks of pairs in parallel: each block multiplies the quotients x[2k] / x[2k+1] of its pairs
into four independent running products (so consecutive divisions and multiplications overlap),
then the block products are multiplied in order."""

import numba
import numpy as np

BLOCK = 1 << 14  # pairs per block


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    pairs = n // 2
    blocks = (pairs + BLOCK - 1) // BLOCK
    partial = np.ones(blocks)
    for b in numba.prange(blocks):
        lo = b * BLOCK
        hi = min(pairs, lo + BLOCK)
        p0 = 1.0
        p1 = 1.0
        p2 = 1.0
        p3 = 1.0
        k = lo
        while k + 4 <= hi:
            p0 *= x[2 * k] / x[2 * k + 1]
            p1 *= x[2 * k + 2] / x[2 * k + 3]
            p2 *= x[2 * k + 4] / x[2 * k + 5]
            p3 *= x[2 * k + 6] / x[2 * k + 7]
            k += 4
        while k < hi:
            p0 *= x[2 * k] / x[2 * k + 1]
            k += 1
        partial[b] = (p0 * p1) * (p2 * p3)
    product = 1.0
    for b in range(blocks):
        product *= partial[b]
    if n % 2 == 1:
        product *= x[n - 1]
    return product
