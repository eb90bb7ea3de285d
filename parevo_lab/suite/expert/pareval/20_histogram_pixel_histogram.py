"""One private 256-bin histogram per block of pixels, summed at the end."""

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(pixels):
    n = pixels.shape[0]
    blocks = (n + BLOCK - 1) // BLOCK
    private = np.zeros((blocks, 256), np.int64)
    for b in numba.prange(blocks):
        lo = np.int64(b) * BLOCK
        counts = private[b]
        chunk = pixels[lo : min(n, lo + BLOCK)]
        for i in range(chunk.shape[0]):
            counts[chunk[i]] += 1
    return private.sum(axis=0)
