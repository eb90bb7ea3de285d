"""Rows in parallel; each iteration writes only its own row of the output."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(grid):
    n = grid.shape[0]
    out = np.empty((n, n), np.int64)
    for i in numba.prange(n):
        r0 = max(i - 1, 0)
        r1 = min(i + 2, n)
        for j in range(n):
            alive = -grid[i, j]
            for r in range(r0, r1):
                for c in range(max(j - 1, 0), min(j + 2, n)):
                    alive += grid[r, c]
            out[i, j] = 1 if alive == 3 or (alive == 2 and grid[i, j] == 1) else 0
    return out
