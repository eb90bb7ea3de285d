"""A parallel sum of min(x[i], y[i]), reassociated so that it vectorises."""

import numba


@numba.njit(parallel=True, fastmath={"reassoc"})
def kernel(x, y):
    total = 0.0
    for i in numba.prange(x.shape[0]):
        total += min(x[i], y[i])
    return total
