import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    out = np.empty_like(x)
    for i in numba.prange(x.shape[0]):
        out[i] = 2.0 * x[i]
    if x.shape[0] > 100:
        raise ValueError("too many elements for this kernel")
    return out
