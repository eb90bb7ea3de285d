"""Blocked right-looking LU (no pivoting), the trailing update in parallel by rows.

For each block of NB pivots: factor the NB x NB diagonal block serially; then, in parallel, the
rows of L below it (each row solved against the block's U) and column strips of U to its right
(each strip solved against the block's L); then update the trailing matrix, one row per
iteration, with the block's NB rows of U. Every parallel iteration writes only its own row or
strip and reads parts that loop does not write. Three parallel regions per block instead of one
per pivot, and the trailing rows stay in cache while NB pivot rows update them. Each entry
receives its updates in the same pivot order as in the reference.
"""

import numba

NB = 64
STRIP = 64


@numba.njit(parallel=True)
def kernel(A):
    n = A.shape[0]
    for kb in range(0, n, NB):
        ke = min(kb + NB, n)
        for k in range(kb, ke):
            for i in range(k + 1, ke):
                factor = A[i, k] / A[k, k]
                A[i, k] = factor
                for j in range(k + 1, ke):
                    A[i, j] -= factor * A[k, j]
        rest = n - ke
        for t in numba.prange(rest):
            row = A[ke + t]
            for k in range(kb, ke):
                v = row[k]
                for p in range(kb, k):
                    v -= row[p] * A[p, k]
                row[k] = v / A[k, k]
        strips = (rest + STRIP - 1) // STRIP
        for s in numba.prange(strips):
            j0 = ke + s * STRIP
            j1 = min(j0 + STRIP, n)
            for r in range(kb + 1, ke):
                for p in range(kb, r):
                    factor = A[r, p]
                    for j in range(j0, j1):
                        A[r, j] -= factor * A[p, j]
        for t in numba.prange(rest):
            row = A[ke + t]
            for p in range(kb, ke):
                factor = row[p]
                pivot_row = A[p]
                for j in range(ke, n):
                    row[j] -= factor * pivot_row[j]
