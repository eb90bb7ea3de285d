"""Elements in parallel; each iteration writes only its own entry of the mask."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    mask = np.empty(x.shape[0], np.bool_)
    for i in numba.prange(x.shape[0]):
        v = x[i]
        mask[i] = v > 0 and (v & (v - 1)) == 0
    return mask
