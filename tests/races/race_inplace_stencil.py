"""In-place 3-point smoothing (Gauss-Seidel order): x[i] = (x[i-1] + x[i] + x[i+1]) / 3.

Race on `x`: iteration i writes x[i] at `x[i] = (x[i - 1] + x[i] + x[i + 1]) / 3.0` while
iterations i-1 and i+1 read it as x[i+1] / x[i-1] on that same line.
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size, dtype=np.float64),)


def reference(x):
    for i in range(1, x.shape[0] - 1):
        x[i] = (x[i - 1] + x[i] + x[i + 1]) / 3.0


@numba.njit(parallel=True)
def kernel(x):
    for i in numba.prange(1, x.shape[0] - 1):
        x[i] = (x[i - 1] + x[i] + x[i + 1]) / 3.0
