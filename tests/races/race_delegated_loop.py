"""The kernel is serial and hands its parallel loop to a helper: `_scatter` runs the prange.

Race on `out` inside the helper (line `out[idx[i]] += x[i]`): idx[i] = i // 2 sends two
iterations to each element. The replay follows helpers that run prange loops from serial code.
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 400, "bench": 20000}


@numba.njit(parallel=True)
def _scatter(out, idx, x):
    for i in numba.prange(x.shape[0]):
        out[idx[i]] += x[i]


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        out[i // 2] += x[i]
    return out


@numba.njit
def kernel(x):
    out = np.zeros(x.shape[0])
    idx = np.arange(x.shape[0]) // 2
    _scatter(out, idx, x)
    return out
