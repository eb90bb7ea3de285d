"""Row-parallel Gustavson: each row of A, in parallel, accumulates into its own row of Y.

Both inputs are sorted by row, so the row offsets of A and X come from binary searches. Each
iteration reads its row of A and the rows of X it names, and writes only row i of Y.
"""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(a_rows, a_cols, a_values, x_rows, x_cols, x_values, m, k, n):
    a_start = np.searchsorted(a_rows, np.arange(m + 1))
    x_start = np.searchsorted(x_rows, np.arange(k + 1))
    y = np.zeros((m, n))
    for i in numba.prange(m):
        for e in range(a_start[i], a_start[i + 1]):
            c = a_cols[e]
            v = a_values[e]
            for p in range(x_start[c], x_start[c + 1]):
                y[i, x_cols[p]] += v * x_values[p]
    return y
