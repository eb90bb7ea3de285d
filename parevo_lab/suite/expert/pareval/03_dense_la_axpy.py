"""Element-wise parallel loop: bandwidth-bound, so expect little more than 1x on 2 cores."""

import numba


@numba.njit(parallel=True)
def kernel(alpha, x, y, z):
    for i in numba.prange(x.shape[0]):
        z[i] = alpha * x[i] + y[i]
