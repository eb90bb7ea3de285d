"""A correct candidate for scale_task.py: each iteration writes only out[i]."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    out = np.empty_like(x)
    for i in numba.prange(x.shape[0]):
        out[i] = 2.0 * x[i] + 1.0
    return out
