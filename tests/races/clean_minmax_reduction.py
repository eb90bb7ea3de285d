"""Minimum and maximum of an array with `lo = min(lo, x[i])` and `hi = max(hi, x[i])`.

Not a race although `lo` and `hi` are shared scalars updated by every iteration: numba
recognises min/max reductions and privatises them per thread (size 0 gives (inf, -inf)).
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.standard_normal(size),)


def reference(x):
    lo = np.inf
    hi = -np.inf
    for i in range(x.shape[0]):
        lo = min(lo, x[i])
        hi = max(hi, x[i])
    return lo, hi


@numba.njit(parallel=True)
def kernel(x):
    lo = np.inf
    hi = -np.inf
    for i in numba.prange(x.shape[0]):
        lo = min(lo, x[i])
        hi = max(hi, x[i])
    return lo, hi
