"""Right output, but it doubles its input in place."""

import numba


@numba.njit(parallel=True)
def kernel(x):
    for i in numba.prange(x.shape[0]):
        x[i] = 2.0 * x[i]
    return x.copy()
