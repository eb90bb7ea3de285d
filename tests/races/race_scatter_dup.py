"""Scatter-add through an index array with duplicates: out[idx[i]] += x[i].

Race on `out`: idx repeats values, so two iterations read-modify-write the same element at
the line `out[idx[i]] += x[i]` (read and write on that one line, lost updates).
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    m = max(size // 8, 1)
    idx = rng.integers(0, m, size).astype(np.int64)
    return idx, rng.random(size), m


def reference(idx, x, m):
    out = np.zeros(m)
    for i in range(x.shape[0]):
        out[idx[i]] += x[i]
    return out


@numba.njit(parallel=True)
def kernel(idx, x, m):
    out = np.zeros(m)
    for i in numba.prange(x.shape[0]):
        out[idx[i]] += x[i]
    return out
