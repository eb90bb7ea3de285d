"""Sort by magnitude: radix sort of the magnitudes' bit patterns, then a parallel gather.

Non-negative doubles order like their bit patterns read as int64, so the magnitudes' bits are
radix sorted as integer keys (the library's stable parallel LSD radix sort) and its permutation
gathers the complex values. Being stable, it keeps equal magnitudes in input order, as the
reference does.
"""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    magnitudes = np.empty(n, np.float64)
    for i in numba.prange(n):
        magnitudes[i] = abs(x[i])
    _, order = P.radix_sort(magnitudes.view(np.int64))
    out = np.empty(n, np.complex128)
    for i in numba.prange(n):
        out[i] = x[order[i]]
    return out
