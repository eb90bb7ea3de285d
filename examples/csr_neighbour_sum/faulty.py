"""Faulty: an off-by-one in the row bounds skips every vertex's first neighbour."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(indptr, indices, x):
    n = indptr.shape[0] - 1
    out = np.zeros(n)
    for v in numba.prange(n):
        s = 0.0
        for j in range(indptr[v] + 1, indptr[v + 1]):
            s += x[indices[j]]
        out[v] = s
    return out
