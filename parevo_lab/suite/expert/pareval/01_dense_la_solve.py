"""Blocked LU with partial pivoting on a copy of A, then two triangular solves.

For each block of NB columns: factor the panel serially (pivot search over the whole column,
swapping whole rows of the copy and of y); then, in parallel, column strips of U to the right of
the block (solved against the block's L), and the trailing matrix, one row per iteration. Every
parallel iteration writes only its own strip or row. The serial panel is about 3 NB / (4 N) of
the work. Forward substitution with L (on the permuted b) and back substitution with U are
serial O(N^2).
"""

import numba

NB = 64
STRIP = 64


@numba.njit(parallel=True)
def kernel(A, b, x):
    n = A.shape[0]
    M = A.copy()
    y = b.copy()
    for kb in range(0, n, NB):
        ke = min(kb + NB, n)
        for k in range(kb, ke):
            p = k
            for i in range(k + 1, n):
                if abs(M[i, k]) > abs(M[p, k]):
                    p = i
            if p != k:
                for j in range(n):
                    M[k, j], M[p, j] = M[p, j], M[k, j]
                y[k], y[p] = y[p], y[k]
            for i in range(k + 1, n):
                factor = M[i, k] / M[k, k]
                M[i, k] = factor
                for j in range(k + 1, ke):
                    M[i, j] -= factor * M[k, j]
        rest = n - ke
        strips = (rest + STRIP - 1) // STRIP
        for s in numba.prange(strips):
            j0 = ke + s * STRIP
            j1 = min(j0 + STRIP, n)
            for r in range(kb + 1, ke):
                for p in range(kb, r):
                    factor = M[r, p]
                    for j in range(j0, j1):
                        M[r, j] -= factor * M[p, j]
        for t in numba.prange(rest):
            row = M[ke + t]
            for p in range(kb, ke):
                factor = row[p]
                pivot_row = M[p]
                for j in range(ke, n):
                    row[j] -= factor * pivot_row[j]
    for i in range(n):
        s = y[i]
        for p in range(i):
            s -= M[i, p] * y[p]
        y[i] = s
    for i in range(n - 1, -1, -1):
        s = y[i]
        for j in range(i + 1, n):
            s -= M[i, j] * x[j]
        x[i] = s / M[i, i]
