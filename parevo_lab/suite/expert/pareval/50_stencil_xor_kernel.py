"""Rows in parallel; each iteration writes only its own row of the output."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(grid):
    n = grid.shape[0]
    out = np.empty((n, n), np.int64)
    for i in numba.prange(n):
        for j in range(n):
            ones = 0
            if i > 0 and grid[i - 1, j] == 1:
                ones += 1
            if i < n - 1 and grid[i + 1, j] == 1:
                ones += 1
            if j > 0 and grid[i, j - 1] == 1:
                ones += 1
            if j < n - 1 and grid[i, j + 1] == 1:
                ones += 1
            out[i, j] = 1 if ones == 1 else 0
    return out
