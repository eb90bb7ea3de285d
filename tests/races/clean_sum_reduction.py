"""Sum of squares with a scalar reduction `s += x[i] * x[i]`.

Not a race although every iteration updates `s`: numba recognises `s += x[i] * x[i]` as a
reduction and gives each thread a private partial sum, combined after the loop.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.standard_normal(size, dtype=np.float64),)


def reference(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * x[i]
    return s


@numba.njit(parallel=True)
def kernel(x):
    s = 0.0
    for i in numba.prange(x.shape[0]):
        s += x[i] * x[i]
    return s
