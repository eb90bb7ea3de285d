"""Rows in parallel: each row's nonzero count (a vectorised inner loop) joins a max reduction."""

import numba


@numba.njit(parallel=True)
def kernel(A):
    highest = 0
    for i in numba.prange(A.shape[0]):
        row = A[i]
        degree = 0
        for j in range(row.shape[0]):
            degree += row[j] != 0
        highest = max(highest, degree)
    return highest
