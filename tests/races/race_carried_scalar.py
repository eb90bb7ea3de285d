"""Shift right by one through a carried scalar: out[i] = prev; prev = x[i].

Race on the scalar `prev`: iteration i reads at `out[i] = prev` the value iteration i-1 wrote
at `prev = x[i]` (numba makes prev private, so each chunk starts again from 0).
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.zeros(x.shape[0])
    prev = 0.0
    for i in range(x.shape[0]):
        out[i] = prev
        prev = x[i]
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = np.zeros(x.shape[0])
    prev = 0.0
    for i in numba.prange(x.shape[0]):
        out[i] = prev
        prev = x[i]
    return out
