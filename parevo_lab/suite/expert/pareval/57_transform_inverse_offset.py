"""Elements in parallel, in place; each iteration writes only its own element."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    for i in numba.prange(x.shape[0]):
        x[i] = 1.0 - np.reciprocal(x[i])
