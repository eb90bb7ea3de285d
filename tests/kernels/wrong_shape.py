import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    out = np.empty(max(x.shape[0] - 1, 0))
    for i in numba.prange(out.shape[0]):
        out[i] = 2.0 * x[i]
    return out
