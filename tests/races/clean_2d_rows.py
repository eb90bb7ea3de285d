"""Row normalisation of a 2-D array: out[i, :] = a[i, :] / sum(a[i, :]), one row per iteration.

Not a race although every iteration writes a whole slice: `out[i, :] = a[i, :] / s` writes
only row i, and rows are disjoint.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 500, "bench": 20000}
COLS = 6


def make_inputs(size, rng):
    return (rng.random((size, COLS)) + 0.1,)


def reference(a):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        s = a[i, :].sum()
        out[i, :] = a[i, :] / s
    return out


@numba.njit(parallel=True)
def kernel(a):
    out = np.empty_like(a)
    for i in numba.prange(a.shape[0]):
        s = a[i, :].sum()
        out[i, :] = a[i, :] / s
    return out
