"""Blocked right-looking Gaussian elimination: two parallel loops per block of 128 pivots.

Per block of pivot columns [k0, k1): the diagonal block and y are eliminated serially (the
multipliers are kept in the strict lower part of A); the pivot rows right of the block are
finished in parallel by column chunks; then every row below the block applies the block's
pivots to itself in parallel (each iteration writes only its own row and entry of y, and reads
the finished pivot rows). Each entry receives the same updates in the same order as in the
unblocked reference, so the result is the same, with 2 parallel regions per block instead of
one per pivot. Densifying (duplicates add up) and back substitution are O(nnz) and O(N^2),
serial.

Large blocks keep the number of parallel regions small (2 per block): on the shared 2-core
machine each region could cost milliseconds waiting for the second thread to be scheduled.
"""

import numba
import numpy as np

BLOCK = 128
CHUNK = 64


@numba.njit(parallel=True)
def kernel(rows, cols, values, b, n):
    a = np.zeros((n, n))
    for e in range(rows.shape[0]):
        a[rows[e], cols[e]] += values[e]
    y = b.copy()
    for k0 in range(0, n, BLOCK):
        k1 = min(k0 + BLOCK, n)
        for r in range(k0 + 1, k1):
            for k in range(k0, r):
                factor = a[r, k] / a[k, k]
                a[r, k] = factor
                if factor != 0.0:
                    for j in range(k + 1, k1):
                        a[r, j] -= factor * a[k, j]
                    y[r] -= factor * y[k]
        chunks = (n - k1 + CHUNK - 1) // CHUNK
        for c in numba.prange(chunks):
            lo = k1 + c * CHUNK
            hi = min(lo + CHUNK, n)
            for r in range(k0 + 1, k1):
                for k in range(k0, r):
                    factor = a[r, k]
                    if factor != 0.0:
                        for j in range(lo, hi):
                            a[r, j] -= factor * a[k, j]
        for i in numba.prange(k1, n):
            for k in range(k0, k1):
                factor = a[i, k] / a[k, k]
                if factor != 0.0:
                    for j in range(k + 1, n):
                        a[i, j] -= factor * a[k, j]
                    y[i] -= factor * y[k]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        s = y[i]
        for j in range(i + 1, n):
            s -= a[i, j] * x[j]
        x[i] = s / a[i, i]
    return x
