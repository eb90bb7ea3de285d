"""Real-input FFT in parallel: pack, transform n/2 complex values, split.

The n reals are packed into z[k] = x[2k] + i x[2k+1], z is transformed, and a parallel loop
over k < n/2 splits the result into output[k] and output[k + n/2], as the reference does.

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
def kernel(x, output):
    n = x.shape[0]
    if n == 1:
        output[0] = x[0]
    if n < 2:
        return
    m = n // 2
    packed = np.empty(m, np.complex128)
    for k in numba.prange(m):
        packed[k] = complex(x[2 * k], x[2 * k + 1])
    z = np.empty(m, np.complex128)
    w = np.empty(m, np.complex128)
    for k in numba.prange(m):
        angle = -2.0 * np.pi * k / n
        w[k] = complex(np.cos(angle), np.sin(angle))
    for b in numba.prange((m + REV_BLOCK - 1) // REV_BLOCK):
        start = b * REV_BLOCK
        j = 0
        bit = m >> 1
        v = start
        while bit > 0:
            if v & 1:
                j |= bit
            v >>= 1
            bit >>= 1
        for k in range(start, min(start + REV_BLOCK, m)):
            z[j] = packed[k]
            bit = m >> 1
            while bit > 0 and j & bit:
                j ^= bit
                bit >>= 1
            j |= bit
    if m >= 2:
        block = min(BLOCK, m)
        for b in numba.prange(m // block):
            base = b * block
            length = 2
            while length <= block:
                half = length // 2
                stride = n // length
                for start in range(base, base + block, length):
                    for k in range(half):
                        t = w[k * stride] * z[start + k + half]
                        u = z[start + k]
                        z[start + k] = u + t
                        z[start + k + half] = u - t
                length *= 2
        length = 2 * block
        while length <= m:
            half = length // 2
            runs_per_group = half // (block // 2)
            if 2 * length <= m:
                # two stages at once (lengths `length` and `2 length`): one pass over the array
                span = 2 * length
                for q in numba.prange(m // (2 * block)):
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
                        t = inner * z[i1]
                        b0 = z[i0] + t
                        b1 = z[i0] - t
                        t = inner * z[i3]
                        b2 = z[i2] + t
                        b3 = z[i2] - t
                        t = w[k * (n // span)] * b2
                        z[i0] = b0 + t
                        z[i2] = b0 - t
                        t = w[(k + half) * (n // span)] * b3
                        z[i1] = b1 + t
                        z[i3] = b1 - t
                length *= 4
            else:
                stride = n // length
                for q in numba.prange(m // block):
                    run = np.int64(q)
                    start = (run // runs_per_group) * length
                    first = (run % runs_per_group) * (block // 2)
                    for k in range(first, first + block // 2):
                        t = w[k * stride] * z[start + k + half]
                        u = z[start + k]
                        z[start + k] = u + t
                        z[start + k + half] = u - t
                length *= 2
    for k in numba.prange(m):
        front = z[k]
        back = z[(m - k) % m].conjugate()
        even = 0.5 * (front + back)
        odd = -0.5j * (front - back)
        t = w[k] * odd
        output[k] = even + t
        output[k + m] = even - t
