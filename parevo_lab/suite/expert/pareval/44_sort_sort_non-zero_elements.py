"""Sort the non-zeros in place: parallel pack of their positions, radix sort, parallel scatter.

The positions of the non-zeros come from the library's parallel pack_index; their values,
shifted by their minimum so that they are non-negative, go through the library's parallel LSD
radix sort (values of 32-bit range take four 8-bit passes), and the sorted values are written
back to those positions in order. Zeros are never touched.
"""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(x):
    where = P.pack_index(x != 0)
    m = where.shape[0]
    if m == 0:
        return
    lowest = x[where[0]]
    for j in numba.prange(m):
        lowest = min(lowest, x[where[j]])
    keys = np.empty(m, np.int64)
    for j in numba.prange(m):
        keys[j] = x[where[j]] - lowest
    values, _ = P.radix_sort(keys)
    for j in numba.prange(m):
        x[where[j]] = values[j] + lowest
