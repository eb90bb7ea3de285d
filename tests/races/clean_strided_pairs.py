"""Interleave: out[2*i] = x[i] and out[2*i + 1] = -x[i].

Not a race although two writes per iteration land near other iterations' writes: iteration i
writes exactly elements 2i and 2i+1 (`out[2 * i] = x[i]`, `out[2 * i + 1] = -x[i]`).
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.zeros(2 * x.shape[0])
    for i in range(x.shape[0]):
        out[2 * i] = x[i]
        out[2 * i + 1] = -x[i]
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = np.zeros(2 * x.shape[0])
    for i in numba.prange(x.shape[0]):
        out[2 * i] = x[i]
        out[2 * i + 1] = -x[i]
    return out
