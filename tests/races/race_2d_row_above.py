"""In-place cumulative sum down the rows of a 2-D array: a[i, :] += a[i - 1, :].

Race on `a`: iteration i writes row i at `a[i, :] += a[i - 1, :]` and iteration i+1 reads
that row as a[i, :] (its a[i - 1, :]) on the same line.
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 500, "bench": 20000}
COLS = 4


def make_inputs(size, rng):
    return (rng.random((size, COLS), dtype=np.float64),)


def reference(a):
    for i in range(1, a.shape[0]):
        a[i, :] += a[i - 1, :]


@numba.njit(parallel=True)
def kernel(a):
    for i in numba.prange(1, a.shape[0]):
        a[i, :] += a[i - 1, :]
