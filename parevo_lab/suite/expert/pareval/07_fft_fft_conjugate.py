"""Parallel iterative radix-2 FFT in place, then the conjugation.

The twiddle table and the bit-reversal permutation are parallel loops (each block of indices
reverses the bits of its first index, then steps the reversed index along). The first
log2(BLOCK) butterfly stages touch only one block of the array each, so a parallel loop over
blocks runs them with the block in cache; the later stages go two at a time (one pass over the
array per pair, four elements per step), as a parallel loop over runs of BLOCK/2 consecutive
steps (unit stride), each run writing only its own elements.
"""

import numba
import numpy as np

BLOCK = 2048  # the first log2(BLOCK) stages run block by block, inside the cache
REV_BLOCK = 4096


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    w = np.empty(n // 2, np.complex128)
    for k in numba.prange(n // 2):
        angle = -2.0 * np.pi * k / n
        w[k] = complex(np.cos(angle), np.sin(angle))
    for b in numba.prange((n + REV_BLOCK - 1) // REV_BLOCK):
        start = b * REV_BLOCK
        j = 0
        bit = n >> 1
        v = start
        while bit > 0:
            if v & 1:
                j |= bit
            v >>= 1
            bit >>= 1
        for k in range(start, min(start + REV_BLOCK, n)):
            if k < j:
                x[k], x[j] = x[j], x[k]
            bit = n >> 1
            while bit > 0 and j & bit:
                j ^= bit
                bit >>= 1
            j |= bit
    if n >= 2:
        block = min(BLOCK, n)
        for b in numba.prange(n // block):
            base = b * block
            length = 2
            while length <= block:
                half = length // 2
                stride = n // length
                for start in range(base, base + block, length):
                    for k in range(half):
                        t = w[k * stride] * x[start + k + half]
                        u = x[start + k]
                        x[start + k] = u + t
                        x[start + k + half] = u - t
                length *= 2
        length = 2 * block
        while length <= n:
            half = length // 2
            runs_per_group = half // (block // 2)
            if 2 * length <= n:
                # two stages at once (lengths `length` and `2 length`): one pass over the array
                span = 2 * length
                for q in numba.prange(n // (2 * block)):
                    # the prange index may be unsigned: keep the index arithmetic in int64
                    run = np.int64(q)
                    start = (run // runs_per_group) * span
                    first = (run % runs_per_group) * (block // 2)
                    for k in range(first, first + block // 2):
                        inner = w[k * (n // length)]
                        i0 = start + k
                        i1 = i0 + half
                        i2 = i0 + length
                        i3 = i2 + half
                        t = inner * x[i1]
                        b0 = x[i0] + t
                        b1 = x[i0] - t
                        t = inner * x[i3]
                        b2 = x[i2] + t
                        b3 = x[i2] - t
                        t = w[k * (n // span)] * b2
                        x[i0] = b0 + t
                        x[i2] = b0 - t
                        t = w[(k + half) * (n // span)] * b3
                        x[i1] = b1 + t
                        x[i3] = b1 - t
                length *= 4
            else:
                stride = n // length
                for q in numba.prange(n // block):
                    run = np.int64(q)
                    start = (run // runs_per_group) * length
                    first = (run % runs_per_group) * (block // 2)
                    for k in range(first, first + block // 2):
                        t = w[k * stride] * x[start + k + half]
                        u = x[start + k]
                        x[start + k] = u + t
                        x[start + k + half] = u - t
                length *= 2
    for k in numba.prange(n):
        x[k] = x[k].conjugate()
