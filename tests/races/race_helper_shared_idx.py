"""Bucket sums through a helper @njit function `deposit(out, j, v)` doing out[j] += v.

Race on `out`, inside the helper: keys repeat, so iterations with the same key read-modify-write
one element at the helper's line `out[j] += v` (called from `deposit(out, keys[i], x[i])`).
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}
BUCKETS = 10


@numba.njit
def deposit(out, j, v):
    out[j] += v


def make_inputs(size, rng):
    keys = rng.integers(0, BUCKETS, size).astype(np.int64)
    return keys, rng.random(size)


def reference(keys, x):
    out = np.zeros(BUCKETS)
    for i in range(x.shape[0]):
        deposit(out, keys[i], x[i])
    return out


@numba.njit(parallel=True)
def kernel(keys, x):
    out = np.zeros(BUCKETS)
    for i in numba.prange(x.shape[0]):
        deposit(out, keys[i], x[i])
    return out
