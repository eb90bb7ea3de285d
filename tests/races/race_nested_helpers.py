"""A race two helper calls deep: kernel -> scale_into -> store, and store writes out[j // 2].

Race on `out` inside `store` (line `out[j // 2] = v`): iterations 2k and 2k+1 write one element.
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 400, "bench": 20000}


@numba.njit
def store(out, j, v):
    out[j // 2] = v


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
