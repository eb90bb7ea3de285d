"""Running sum that reads the reduction variable inside the loop: s += x[i]; out[i] = s.

Race on the reduction scalar `s`: iteration i reads at `out[i] = s` the value that other
iterations update at `s += x[i]` (numba privatises s, so out gets per-thread partial sums).
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.zeros(x.shape[0])
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i]
        out[i] = s
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = np.zeros(x.shape[0])
    s = 0.0
    for i in numba.prange(x.shape[0]):
        s += x[i]
        out[i] = s
    return out
