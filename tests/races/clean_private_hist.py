"""Histogram with one private row per chunk: private[c, v[i]] += 1, rows summed after the loop.

Not a race although the update is a read-modify-write through data-dependent indices: iteration
c touches only row c of `private` (`private[c, v[i]] += 1`); the rows are summed serially after.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 2000, "bench": 20000}
BINS = 16
CHUNK = 256


def make_inputs(size, rng):
    v = (np.minimum(rng.zipf(1.5, size), BINS) - 1).astype(np.int64)
    return (v,)


def reference(v):
    counts = np.zeros(BINS, np.int64)
    for i in range(v.shape[0]):
        counts[v[i]] += 1
    return counts


@numba.njit(parallel=True)
def kernel(v):
    n = v.shape[0]
    chunks = (n + CHUNK - 1) // CHUNK
    private = np.zeros((chunks, BINS), np.int64)
    for c in numba.prange(chunks):
        for i in range(c * CHUNK, min((c + 1) * CHUNK, n)):
            private[c, v[i]] += 1
    counts = np.zeros(BINS, np.int64)
    for c in range(chunks):
        counts += private[c]
    return counts
