"""Out-of-place 3-point average: out[i] = (x[i-1] + x[i] + x[i+1]) / 3, ends copied.

Not a race although iterations read overlapping neighbours: they only read `x`, and each
writes its own `out[i]` (`out[i] = (x[i - 1] + x[i] + x[i + 1]) / 3.0`).
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size, dtype=np.float64),)


def reference(x):
    n = x.shape[0]
    out = x.copy()
    for i in range(1, n - 1):
        out[i] = (x[i - 1] + x[i] + x[i + 1]) / 3.0
    return out


@numba.njit(parallel=True)
def kernel(x):
    n = x.shape[0]
    out = x.copy()
    for i in numba.prange(1, n - 1):
        out[i] = (x[i - 1] + x[i] + x[i + 1]) / 3.0
    return out
