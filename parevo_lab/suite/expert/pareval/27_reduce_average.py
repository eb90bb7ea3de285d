"""A parallel sum, reassociated so that it vectorises, divided by the length; NaN when empty."""

import numba
import numpy as np


@numba.njit(parallel=True, fastmath={"reassoc"})
def kernel(x):
    n = x.shape[0]
    if n == 0:
        return np.nan
    total = 0.0
    for i in numba.prange(n):
        total += x[i]
    return total / n
