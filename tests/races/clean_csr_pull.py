"""CSR pull: out[v] = sum of x[u] over the neighbours u of v, summed in a local per row.

Not a race although neighbours are shared between rows: `x[indices[j]]` is only read, and
each iteration writes only its own `out[v] = s`.
"""

import numba
import numpy as np

EXPECT = "clean"
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
        s = 0.0
        for j in range(indptr[v], indptr[v + 1]):
            s += x[indices[j]]
        out[v] = s
    return out


@numba.njit(parallel=True)
def kernel(indptr, indices, x):
    n = indptr.shape[0] - 1
    out = np.zeros(n)
    for v in numba.prange(n):
        s = 0.0
        for j in range(indptr[v], indptr[v + 1]):
            s += x[indices[j]]
        out[v] = s
    return out
