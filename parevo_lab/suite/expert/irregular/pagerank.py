"""Push-style PageRank with one private sum array per block of source vertices.

The sources are cut into BLOCKS contiguous ranges with about the same number of out-edges (a
binary search of indptr per cut). Each iteration, every block adds its vertices' shares
(rank / out-degree) into its own row of ``partial``, so no two iterations write the same
element; then each vertex adds up its column of the rows (block order) and writes its new rank.
This avoids building the transpose that a pull formulation needs, which costs about as much as
the whole serial reference at this size. Dangling rank is summed with a reduction.
"""

import numba
import numpy as np

BLOCKS = 4


@numba.njit(parallel=True)
def kernel(indptr, indices, damping, iterations):
    n = indptr.shape[0] - 1
    if n == 0:
        return np.zeros(0)
    m = indptr[n]
    cuts = np.empty(BLOCKS + 1, np.int64)
    for b in numba.prange(BLOCKS + 1):
        cuts[b] = np.searchsorted(indptr[:n], (m * b) // BLOCKS) if b < BLOCKS else n
    ranks = np.full(n, 1.0 / n)
    share = np.empty(n)
    partial = np.empty((BLOCKS, n))
    for _ in range(iterations):
        dangling = 0.0
        for u in numba.prange(n):
            degree = indptr[u + 1] - indptr[u]
            if degree == 0:
                share[u] = 0.0
                dangling += ranks[u]
            else:
                share[u] = ranks[u] / degree
        for b in numba.prange(BLOCKS):
            partial[b, :] = 0.0
            for u in range(cuts[b], cuts[b + 1]):
                for j in range(indptr[u], indptr[u + 1]):
                    partial[b, indices[j]] += share[u]
        base = (1.0 - damping) / n + damping * dangling / n
        for v in numba.prange(n):
            s = 0.0
            for b in range(BLOCKS):
                s += partial[b, v]
            ranks[v] = base + damping * s
    return ranks
