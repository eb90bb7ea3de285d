"""Relabel the vertices by (degree, id) rank, then count with P.triangle_count.

P.triangle_count counts each triangle once at its smallest id, intersecting only neighbours
above each endpoint. After relabelling by degree rank that is the degree-ordered algorithm the
reference runs (hubs get the largest ids, so their long lists are cut short). The relabelled
CSR is built by P.csr_from_edges from the renamed edge list (a radix sort); P.radix_sort's
stable order of the degrees gives the ranks.
"""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(indptr, indices):
    n = indptr.shape[0] - 1
    m = indptr[n]
    degree = np.empty(n, np.int64)
    for v in numba.prange(n):
        degree[v] = indptr[v + 1] - indptr[v]
    _, order = P.radix_sort(degree)
    rank = np.empty(n, np.int64)
    for i in numba.prange(n):
        rank[order[i]] = i
    src = np.empty(m, np.int64)
    dst = np.empty(m, np.int64)
    for v in numba.prange(n):
        for j in range(indptr[v], indptr[v + 1]):
            src[j] = rank[v]
            dst[j] = rank[indices[j]]
    ranked_ptr, ranked_indices = P.csr_from_edges(n, src, dst, False)
    return P.triangle_count(ranked_ptr, ranked_indices)
