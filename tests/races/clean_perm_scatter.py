"""Scatter through a permutation: out[perm[i]] = 2 * x[i].

Not a race although it writes through an index array: perm is a permutation, so every
iteration writes a different element of out (`out[perm[i]] = 2.0 * x[i]`).
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    perm = rng.permutation(size).astype(np.int64)
    x = rng.random(size)
    return perm, x


def reference(perm, x):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        out[perm[i]] = 2.0 * x[i]
    return out


@numba.njit(parallel=True)
def kernel(perm, x):
    out = np.zeros(x.shape[0])
    for i in numba.prange(x.shape[0]):
        out[perm[i]] = 2.0 * x[i]
    return out
