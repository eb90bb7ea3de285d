"""A parallel min reduction over the odd values (INT_MAX, the identity, when there is none)."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    smallest = np.int32(2147483647)
    for i in numba.prange(x.shape[0]):
        v = x[i]
        if v & 1:
            smallest = min(smallest, v)
    return smallest
