"""BFS tree of the giant component, then a label-propagation forest for the small components.

1. From a vertex of largest degree, a direction-optimising BFS (P.edge_map, pull on dense
   levels) reaches the giant component level by level; each newly reached vertex takes as
   parent its first neighbour in the previous frontier (it writes only its own entry).
2. The other vertices with edges run Jacobi min-label propagation: when a vertex's label drops,
   its parent becomes the neighbour that gave the new label. Along final parent pointers the
   round of the last change strictly decreases, so there are no cycles, and each component's
   smallest id (which never changes) is its root. No pointer jumping here: it would break the
   link between labels and edges. The neighbour scan is a function of its own so that numba
   cannot fuse it with the loop that writes the labels (its fusion test misses dependences
   through indirect indices).
"""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def _lowest_neighbour(indptr, indices, rest, labels):
    """For each listed vertex, the smallest label below its own among its neighbours and the
    neighbour holding it (-1 when none is smaller)."""
    low = np.empty(rest.shape[0], np.int64)
    giver = np.empty(rest.shape[0], np.int64)
    for i in numba.prange(rest.shape[0]):
        u = rest[i]
        best = labels[u]
        via = np.int64(-1)
        for j in range(indptr[u], indptr[u + 1]):
            w = indices[j]
            if labels[w] < best:
                best = labels[w]
                via = w
        low[i] = best
        giver[i] = via
    return low, giver


@numba.njit(parallel=True)
def kernel(indptr, indices):
    n = indptr.shape[0] - 1
    parent = np.full(n, -1, np.int64)
    if n == 0:
        return parent
    m = indptr[n]
    degree = np.empty(n, np.int64)
    for v in numba.prange(n):
        degree[v] = indptr[v + 1] - indptr[v]
    hub = P.argmax(degree)
    visited = np.zeros(n, np.bool_)
    frontier = np.zeros(n, np.bool_)
    visited[hub] = True
    frontier[hub] = True
    frontier_edges = degree[hub]
    while True:
        direction = P.PULL if frontier_edges * 14 > m else P.PUSH
        reached = P.edge_map(indptr, indices, frontier, visited, direction)
        count = 0
        edges = 0
        for v in numba.prange(n):
            if reached[v]:
                for j in range(indptr[v], indptr[v + 1]):
                    if frontier[indices[j]]:
                        parent[v] = indices[j]
                        break
                visited[v] = True
                count += 1
                edges += degree[v]
        if count == 0:
            break
        frontier = reached
        frontier_edges = edges
    labels = np.arange(n)
    rest_flags = np.empty(n, np.bool_)
    for v in numba.prange(n):
        rest_flags[v] = not visited[v] and degree[v] > 0
    rest = P.pack_index(rest_flags)
    changed = 1
    while changed > 0:
        changed = 0
        low, giver = _lowest_neighbour(indptr, indices, rest, labels)
        for i in numba.prange(rest.shape[0]):
            if giver[i] >= 0:
                labels[rest[i]] = low[i]
                parent[rest[i]] = giver[i]
                changed += 1
    return parent
