"""A native infinite loop: nothing in Python can interrupt it, only a kill."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    out = 2.0 * x
    n = max(x.shape[0], 1)
    scratch = np.zeros(n)
    k = 0
    while scratch[0] >= 0.0:  # never false
        scratch[k % n] += 1.0
        k += 1
    return out
