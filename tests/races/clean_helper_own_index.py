"""A helper @njit function `put(out, x, i)` writes out[i] = clipped x[i]; the kernel calls it per i.

Not a race although the whole output array is passed to the helper: the helper writes only
`out[i] = v` for the loop index it was given.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}


@numba.njit
def put(out, x, i):
    v = x[i]
    if v > 1.0:
        v = 1.0
    if v < -1.0:
        v = -1.0
    out[i] = v


def make_inputs(size, rng):
    return (rng.standard_normal(size),)


def reference(x):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        put(out, x, i)
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = np.zeros(x.shape[0])
    for i in numba.prange(x.shape[0]):
        put(out, x, i)
    return out
