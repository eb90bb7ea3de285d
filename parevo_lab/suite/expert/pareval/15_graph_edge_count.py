"""Rows in parallel: each row's nonzero count (a vectorised inner loop) joins a sum reduction."""

import numba


@numba.njit(parallel=True)
def kernel(A):
    count = 0
    for i in numba.prange(A.shape[0]):
        row = A[i]
        edges = 0
        for j in range(row.shape[0]):
            edges += row[j] != 0
        count += edges
    return count
