"""Per-row polynomial features in a temporary `tmp = np.empty(DEG)` allocated inside the loop body.

Not a race although `tmp` is written by every iteration: it is allocated afresh in each
iteration (`tmp = np.empty(DEG)`), so `tmp[k] = p` writes a private array.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}
DEG = 5


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        tmp = np.empty(DEG)
        p = 1.0
        for k in range(DEG):
            tmp[k] = p
            p *= x[i]
        out[i] = tmp.sum() - tmp.max()
    return out


@numba.njit(parallel=True)
def kernel(x):
    out = np.zeros(x.shape[0])
    for i in numba.prange(x.shape[0]):
        tmp = np.empty(DEG)
        p = 1.0
        for k in range(DEG):
            tmp[k] = p
            p *= x[i]
        out[i] = tmp.sum() - tmp.max()
    return out
