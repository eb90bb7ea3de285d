"""Correct, but prints megabytes while importing and while running."""

import numba
import numpy as np

for _ in range(4000):
    print("x" * 1000)


@numba.njit(parallel=True)
def kernel(x):
    out = np.empty_like(x)
    for i in numba.prange(x.shape[0]):
        out[i] = 2.0 * x[i]
    print("done with", x.shape[0], "elements")
    return out
