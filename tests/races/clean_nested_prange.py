"""Outer-product rows with a nested prange: out[i, j] = x[i] * y[j].

Not a race: each (i, j) is written once. numba runs the inner prange serially; the detector
labels accesses by the outer iteration and says the inner loop was serialised.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 60, "bench": 2000}


def make_inputs(size, rng):
    return rng.random(size), rng.random(max(size // 2, 1))


def reference(x, y):
    out = np.zeros((x.shape[0], y.shape[0]))
    for i in range(x.shape[0]):
        for j in range(y.shape[0]):
            out[i, j] = x[i] * y[j]
    return out


@numba.njit(parallel=True)
def kernel(x, y):
    out = np.zeros((x.shape[0], y.shape[0]))
    for i in numba.prange(x.shape[0]):
        for j in numba.prange(y.shape[0]):
            out[i, j] = x[i] * y[j]
    return out
