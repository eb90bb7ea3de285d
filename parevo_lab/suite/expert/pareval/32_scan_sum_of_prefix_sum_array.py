"""Sum of the prefix sums as one parallel reduction.

sum over i of (x[0] + ... + x[i]) = sum over i of (n - i) * x[i]: every element's weight is the
number of prefixes that contain it, so no scan is needed, only a reduction numba parallelises.
"""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    total = 0.0
    for i in numba.prange(n):
        total += x[i] * np.float64(n - np.int64(i))
    return total
