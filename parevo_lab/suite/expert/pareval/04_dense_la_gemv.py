"""One dot product per row, rows split across threads; iteration i writes only y[i]."""

import numba


@numba.njit(parallel=True)
def kernel(A, x, y):
    m, n = A.shape
    for i in numba.prange(m):
        row = A[i]
        s = 0.0
        for j in range(n):
            s += row[j] * x[j]
        y[i] = s
