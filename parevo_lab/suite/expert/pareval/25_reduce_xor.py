"""Blocks in parallel: each block XORs its values (a vectorised byte loop), then the block
parities are XORed in order."""

import numba
import numpy as np

BLOCK = 1 << 16


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    blocks = (n + BLOCK - 1) // BLOCK
    parity = np.zeros(blocks, np.bool_)
    for b in numba.prange(blocks):
        lo = np.int64(b) * BLOCK
        chunk = x[lo : min(n, lo + BLOCK)]
        block_parity = False
        for i in range(chunk.shape[0]):
            block_parity ^= chunk[i]
        parity[b] = block_parity
    odd = False
    for b in range(blocks):
        odd ^= parity[b]
    return odd
