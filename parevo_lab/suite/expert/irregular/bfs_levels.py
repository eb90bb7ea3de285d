"""Direction-optimising BFS (Beamer): sparse levels push through P.edge_map, dense levels pull.

A level whose frontier has more than m / 14 out-edges pulls: every unvisited vertex scans its
neighbours and stops at the first one in the frontier (the graph is symmetric, so the CSR is its
own in-edge list). The levels are written by each newly reached vertex for itself.
"""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(indptr, indices, source):
    n = indptr.shape[0] - 1
    levels = np.full(n, -1, np.int64)
    if n == 0:
        return levels
    m = indptr[n]
    visited = np.zeros(n, np.bool_)
    frontier = np.zeros(n, np.bool_)
    levels[source] = 0
    visited[source] = True
    frontier[source] = True
    frontier_edges = indptr[source + 1] - indptr[source]
    depth = 0
    while True:
        depth += 1
        direction = P.PULL if frontier_edges * 14 > m else P.PUSH
        reached = P.edge_map(indptr, indices, frontier, visited, direction)
        count = 0
        edges = 0
        for v in numba.prange(n):
            if reached[v]:
                levels[v] = depth
                visited[v] = True
                count += 1
                edges += indptr[v + 1] - indptr[v]
        if count == 0:
            break
        frontier = reached
        frontier_edges = edges
    return levels
