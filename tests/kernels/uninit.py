"""A sum into np.empty instead of np.zeros: right only when the allocator hands out zeros."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    total = np.empty(1)
    for i in numba.prange(x.shape[0]):
        total[0] += x[i]
    return total[0]


@numba.njit(parallel=True)
def index_table(x):
    # a table of indices filled one short: its last entry is read but never written
    n = x.shape[0]
    where = np.empty(n, np.int64)
    for i in range(n - 1):
        where[i] = i
    out = 0.0
    for i in range(n):
        out += x[where[i]] if where[i] < n else 0.0
    return out
