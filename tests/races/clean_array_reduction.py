"""Column sums of a 2-D array with a whole-array reduction `acc += x[i]` (acc made before the loop).

Not a race although every iteration adds into all of `acc`: `acc += x[i]` with `acc` an array
created before the loop is a whole-array reduction that numba privatises per thread.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}
COLS = 8


def make_inputs(size, rng):
    return (rng.random((size, COLS)),)


def reference(x):
    acc = np.zeros(COLS)
    for i in range(x.shape[0]):
        acc += x[i]
    return acc


@numba.njit(parallel=True)
def kernel(x):
    acc = np.zeros(COLS)
    for i in numba.prange(x.shape[0]):
        acc += x[i]
    return acc
