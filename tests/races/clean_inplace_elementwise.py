"""In-place elementwise update x[i] = sqrt(x[i]) + x[i] * x[i] (returns nothing).

Not a race although the array is read and written in the loop: the line
`x[i] = np.sqrt(x[i]) + x[i] * x[i]` reads and writes only element i, in iteration i only.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    for i in range(x.shape[0]):
        x[i] = np.sqrt(x[i]) + x[i] * x[i]


@numba.njit(parallel=True)
def kernel(x):
    for i in numba.prange(x.shape[0]):
        x[i] = np.sqrt(x[i]) + x[i] * x[i]
