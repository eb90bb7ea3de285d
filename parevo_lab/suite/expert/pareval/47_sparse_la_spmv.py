"""Row-parallel CSR product: the row offsets come from binary searches in the sorted rows.

Each iteration reads its own run of entries and writes only y[i].
"""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(alpha, rows, cols, values, x, beta, y, m, n):
    start = np.searchsorted(rows, np.arange(m + 1))
    for i in numba.prange(m):
        dot = 0.0
        for e in range(start[i], start[i + 1]):
            dot += values[e] * x[cols[e]]
        y[i] = alpha * dot + beta * y[i]
