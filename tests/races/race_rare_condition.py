"""Writes out[i] = 2 x[i], but a rare large value (x[i] > 0.995) is stored in out[0] instead.

Race on `out[0]`, only for inputs with such values (seed 0 at the check size has several, none at
i = 0): the rare write `out[0] = x[i]` conflicts with iteration 0's `out[i] = 2.0 * x[i]` and
with the other rare iterations' `out[0] = x[i]`.
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        if x[i] > 0.995:
            out[0] = x[i]
        else:
            out[i] = 2.0 * x[i]
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = np.zeros(x.shape[0])
    for i in numba.prange(x.shape[0]):
        if x[i] > 0.995:
            out[0] = x[i]
        else:
            out[i] = 2.0 * x[i]
    return out
