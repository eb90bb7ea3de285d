"""Last writer wins: every iteration stores into one shared element, out[0] = x[i].

Race on `out[0]`: write-write between all iterations at the line `out[0] = x[i]` (the
sequential answer is x[n-1]; in parallel any chunk's last value may win).
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.zeros(1)
    for i in range(x.shape[0]):
        out[0] = x[i]
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = np.zeros(1)
    for i in numba.prange(x.shape[0]):
        out[0] = x[i]
    return out
