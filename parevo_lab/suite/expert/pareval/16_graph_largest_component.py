"""Breadth-first search from every vertex not yet reached, one component after the other; each
search is level-synchronous, its levels taken by the library's ``bfs_level`` (the cheaper
direction on the dense matrix: top-down over chunks of columns, or bottom-up since A is
symmetric; parallel inside the large levels, serial in the small ones)."""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit
def kernel(A):
    n = A.shape[0]
    visited = np.zeros(n, np.bool_)
    unvisited = n
    largest = 0
    for start in range(n):
        if visited[start]:
            continue
        visited[start] = True
        unvisited -= 1
        size = 1
        frontier = np.full(1, start, np.int64)
        while frontier.shape[0] > 0 and unvisited > 0:
            frontier = P.bfs_level(A, frontier, visited, unvisited, True)
            unvisited -= frontier.shape[0]
            size += frontier.shape[0]
        largest = max(largest, size)
    return largest
