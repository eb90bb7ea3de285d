"""Elements in parallel; each iteration writes only its own output element.

(A prange over 1..n-2 with the ends apart ran slower here: the shifted induction variable
kept the loop from vectorising.)
"""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(values):
    n = values.shape[0]
    out = np.empty(n)
    for i in numba.prange(n):
        left = values[i - 1] if i > 0 else 0.0
        right = values[i + 1] if i < n - 1 else 0.0
        out[i] = (left + values[i] + right) / 3.0
    return out
