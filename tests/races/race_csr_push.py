"""CSR push: each vertex v adds x[v] into all its neighbours, out[indices[j]] += x[v].

Race on `out`: a vertex is the neighbour of several rows, so different iterations v
read-modify-write the same element at the line `out[indices[j]] += x[v]`.
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    degrees = np.minimum(rng.zipf(2.0, size), max(size, 1)).astype(np.int64)
    indptr = np.zeros(size + 1, np.int64)
    np.cumsum(degrees, out=indptr[1:])
    indices = rng.integers(0, max(size, 1), indptr[-1]).astype(np.int64)
    return indptr, indices, rng.random(size)


def reference(indptr, indices, x):
    n = indptr.shape[0] - 1
    out = np.zeros(n)
    for v in range(n):
        for j in range(indptr[v], indptr[v + 1]):
            out[indices[j]] += x[v]
    return out


@numba.njit(parallel=True)
def kernel(indptr, indices, x):
    n = indptr.shape[0] - 1
    out = np.zeros(n)
    for v in numba.prange(n):
        for j in range(indptr[v], indptr[v + 1]):
            out[indices[j]] += x[v]
    return out
