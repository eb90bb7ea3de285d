"""Elements in parallel, in place; each iteration writes only its own element."""

import numba


@numba.njit(parallel=True)
def kernel(x):
    for i in numba.prange(x.shape[0]):
        x[i] = max(x[i], 0.0)
