"""Downsample by writing out[i // 2] = x[i] (meant: keep one of each pair).

Race on `out`: iterations 2k and 2k+1 both write element k at the line `out[i // 2] = x[i]`
(write-write; different threads when a chunk boundary falls between 2k and 2k+1).
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1001, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.zeros((x.shape[0] + 1) // 2)
    for i in range(x.shape[0]):
        out[i // 2] = x[i]
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = np.zeros((x.shape[0] + 1) // 2)
    for i in numba.prange(x.shape[0]):
        out[i // 2] = x[i]
    return out
