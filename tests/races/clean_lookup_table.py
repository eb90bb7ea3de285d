"""Gather through a shared lookup table: out[i] = table[keys[i]] * x[i], keys with many repeats.

Not a race although many iterations touch the same table element: `table[keys[i]]` is only
read; each iteration writes only `out[i]`.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}
TABLE = 32


def make_inputs(size, rng):
    table = rng.random(TABLE)
    keys = (np.minimum(rng.zipf(1.5, size), TABLE) - 1).astype(np.int64)
    return table, keys, rng.random(size)


def reference(table, keys, x):
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = table[keys[i]] * x[i]
    return out


@numba.njit(parallel=True)
def kernel(table, keys, x):
    out = np.zeros(x.shape[0])
    for i in numba.prange(x.shape[0]):
        out[i] = table[keys[i]] * x[i]
    return out
