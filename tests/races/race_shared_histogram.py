"""Histogram straight into one shared array: counts[v[i]] += 1.

Race on `counts`: skewed values repeat, so iterations read-modify-write the same bin at the
line `counts[v[i]] += 1` (read and write on that one line, lost counts).
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 2000, "bench": 20000}
BINS = 16


def make_inputs(size, rng):
    v = (np.minimum(rng.zipf(1.5, size), BINS) - 1).astype(np.int64)
    return (v,)


def reference(v):
    counts = np.zeros(BINS, np.int64)
    for i in range(v.shape[0]):
        counts[v[i]] += 1
    return counts


@numba.njit(parallel=True)
def kernel(v):
    counts = np.zeros(BINS, np.int64)
    for i in numba.prange(v.shape[0]):
        counts[v[i]] += 1
    return counts
