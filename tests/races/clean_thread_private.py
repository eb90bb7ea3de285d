"""Histogram into one private row per *thread*: private[numba.get_thread_id(), v[i]] += 1.

Not a race with numba's static schedule: each thread runs its own chunk of iterations one after
another and only touches its own row. The replay simulates the schedule's thread ids.
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1000, "bench": 20000}
BINS = 8


def make_inputs(size, rng):
    return ((np.minimum(rng.zipf(1.5, size), BINS) - 1).astype(np.int64),)


def reference(v):
    counts = np.zeros(BINS, np.int64)
    for i in range(v.shape[0]):
        counts[v[i]] += 1
    return counts


@numba.njit(parallel=True)
def kernel(v):
    private = np.zeros((numba.get_num_threads(), BINS), np.int64)
    for i in numba.prange(v.shape[0]):
        private[numba.get_thread_id(), v[i]] += 1
    counts = np.zeros(BINS, np.int64)
    for t in range(private.shape[0]):
        counts += private[t]
    return counts
