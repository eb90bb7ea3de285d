"""Prefix sum done wrong: out[i] = out[i-1] + x[i] in a prange (a loop-carried dependence).

Race on `out`: iteration i writes out[i] and iteration i+1 reads it as out[i-1], both at the
line `out[i] = out[i - 1] + x[i]`.
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size, dtype=np.float64),)


def reference(x):
    out = x.copy()
    for i in range(1, x.shape[0]):
        out[i] = out[i - 1] + x[i]
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = x.copy()
    for i in numba.prange(1, x.shape[0]):
        out[i] = out[i - 1] + x[i]
    return out
