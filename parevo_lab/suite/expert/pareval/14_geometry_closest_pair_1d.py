"""Parallel radix sort of the values (parevo_lab.primitives.sort_floats), then the smallest gap
between neighbours as a parallel min reduction."""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(x):
    s = P.sort_floats(x)
    best = np.inf
    for i in numba.prange(1, s.shape[0]):
        best = min(best, s[i] - s[i - 1])
    return best
