"""z cut into fixed blocks of indices; each block, in parallel, adds the entries that fall in it.

Binary searches find each block's runs of x and y entries (both are sorted), so an iteration
writes only its own slice of z, however the duplicates fall. Within a block the entries of x
are added before those of y, as in the reference.
"""

import numba
import numpy as np

BLOCK = 512


@numba.njit(parallel=True)
def kernel(alpha, x_index, x_value, y_index, y_value, z):
    n = z.shape[0]
    blocks = (n + BLOCK - 1) // BLOCK
    bounds = np.arange(blocks + 1) * BLOCK
    x_start = np.searchsorted(x_index, bounds)
    y_start = np.searchsorted(y_index, bounds)
    for b in numba.prange(blocks):
        for e in range(x_start[b], x_start[b + 1]):
            z[x_index[e]] += alpha * x_value[e]
        for e in range(y_start[b], y_start[b + 1]):
            z[y_index[e]] += y_value[e]
