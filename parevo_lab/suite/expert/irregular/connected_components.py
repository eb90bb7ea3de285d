"""Giant component by BFS, then min-label propagation with pointer jumping on what is left.

A direction-optimising BFS (P.bfs_levels) from a vertex of largest degree labels the giant
component at once (its label is the smallest id it reached). The remaining vertices with edges
(small components, whose neighbours all lie outside the giant one) run Jacobi rounds of
min-label propagation followed by pointer jumping until no label changes; isolated vertices
keep their own id. Each round reads the labels in one function and writes them in another
loop: numba would fuse two adjacent loops that index ``labels`` indirectly (its fusion test
does not see that dependence), and threads would then read labels while others write them.
"""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def _lowest_around(indptr, indices, rest, labels):
    """For each listed vertex, the smallest label among itself and its neighbours."""
    low = np.empty(rest.shape[0], np.int64)
    for i in numba.prange(rest.shape[0]):
        u = rest[i]
        best = labels[u]
        for j in range(indptr[u], indptr[u + 1]):
            best = min(best, labels[indices[j]])
        low[i] = best
    return low


@numba.njit(parallel=True)
def _jumped(rest, labels):
    """For each listed vertex, the label of its label (one pointer-jumping step)."""
    out = np.empty(rest.shape[0], np.int64)
    for i in numba.prange(rest.shape[0]):
        out[i] = labels[labels[rest[i]]]
    return out


@numba.njit(parallel=True)
def kernel(indptr, indices):
    n = indptr.shape[0] - 1
    labels = np.empty(n, np.int64)
    if n == 0:
        return labels
    degree = np.empty(n, np.int64)
    for v in numba.prange(n):
        degree[v] = indptr[v + 1] - indptr[v]
    hub = P.argmax(degree)
    levels = P.bfs_levels(indptr, indices, hub, True)
    giant = n
    for v in numba.prange(n):
        if levels[v] >= 0:
            giant = min(giant, np.int64(v))
    rest_flags = np.empty(n, np.bool_)
    for v in numba.prange(n):
        labels[v] = giant if levels[v] >= 0 else v
        rest_flags[v] = levels[v] < 0 and degree[v] > 0
    rest = P.pack_index(rest_flags)
    changed = 1
    while changed > 0:
        changed = 0
        low = _lowest_around(indptr, indices, rest, labels)
        for i in numba.prange(rest.shape[0]):
            if low[i] != labels[rest[i]]:
                labels[rest[i]] = low[i]
                changed += 1
        jumps = 1
        while jumps > 0:  # a label is a vertex of the same component, with a label <= its own
            jumps = 0
            low = _jumped(rest, labels)
            for i in numba.prange(rest.shape[0]):
                if low[i] != labels[rest[i]]:
                    labels[rest[i]] = low[i]
                    jumps += 1
    return labels
