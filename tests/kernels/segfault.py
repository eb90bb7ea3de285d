"""Crashes only in parallel: the second thread writes far outside any array."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    out = np.empty_like(x)
    scratch = np.zeros(1)
    for i in numba.prange(x.shape[0]):
        if numba.get_thread_id() > 0:
            scratch[10**12 + i] = 1.0
        out[i] = 2.0 * x[i]
    return out
