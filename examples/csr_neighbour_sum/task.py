"""Pull-style neighbour sum on a CSR graph with power-law degrees (one SpMV with a 0/1 matrix).

out[v] = sum of x[u] over the neighbours u of v. Row lengths follow a Zipf law, so a few
vertices have thousands of neighbours and most have one or two: the irregular case.
"""

import numpy as np

SIZES = {"check": 1000, "bench": 300_000}


def make_inputs(size, rng):
    n = size
    if n == 0:
        return np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0)
    degrees = np.minimum(rng.zipf(2.0, n), n).astype(np.int64)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(degrees, out=indptr[1:])
    indices = rng.integers(0, n, indptr[-1]).astype(np.int64)
    x = rng.random(n)
    return indptr, indices, x


def reference(indptr, indices, x):
    n = indptr.shape[0] - 1
    out = np.zeros(n)
    for v in range(n):
        s = 0.0
        for j in range(indptr[v], indptr[v + 1]):
            s += x[indices[j]]
        out[v] = s
    return out
