"""Elements in parallel, in place; each iteration writes only its own element."""

import numba


@numba.njit(parallel=True)
def kernel(x):
    for i in numba.prange(x.shape[0]):
        v = x[i]
        x[i] = -v if v & 1 else v >> 1
