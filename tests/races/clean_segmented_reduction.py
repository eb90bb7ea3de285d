"""Segmented sum: one segment per iteration, out[s] = sum(values[offsets[s]:offsets[s+1]]).

Not a race although segments have irregular lengths: segments are disjoint, `total` is a
per-iteration local and each iteration writes only `out[s] = total`.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 2000, "bench": 20000}


def make_inputs(size, rng):
    lengths = np.minimum(rng.zipf(1.8, size), 50).astype(np.int64)
    cut = np.searchsorted(np.cumsum(lengths), size, side="right")
    lengths = lengths[:cut]
    lengths = np.append(lengths, size - lengths.sum()).astype(np.int64)
    offsets = np.zeros(lengths.shape[0] + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets, rng.integers(0, 1000, size).astype(np.int64)


def reference(offsets, values):
    out = np.zeros(offsets.shape[0] - 1, np.int64)
    for s in range(offsets.shape[0] - 1):
        total = 0
        for i in range(offsets[s], offsets[s + 1]):
            total += values[i]
        out[s] = total
    return out


@numba.njit(parallel=True)
def kernel(offsets, values):
    out = np.zeros(offsets.shape[0] - 1, np.int64)
    for s in numba.prange(offsets.shape[0] - 1):
        total = 0
        for i in range(offsets[s], offsets[s + 1]):
            total += values[i]
        out[s] = total
    return out
