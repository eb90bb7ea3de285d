"""kernel -> scale_into -> store, where store writes out[j]: every iteration its own element.

Not a race although the write is two helper calls away from the prange loop.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 400, "bench": 20000}


@numba.njit
def store(out, j, v):
    out[j] = v


@numba.njit
def scale_into(out, x, j):
    store(out, j, 2.0 * x[j])


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.zeros(x.shape[0])
    for j in range(x.shape[0]):
        scale_into(out, x, j)
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = np.zeros(x.shape[0])
    for j in numba.prange(x.shape[0]):
        scale_into(out, x, j)
    return out
