import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    out = np.empty_like(x)
    for i in numba.prange(0, x.shape[0]):
        out[i] = 2.0 * x[i]
    return out
