"""Parallel peeling by levels (Julienne-style bucketing without atomics).

For k = 0, 1, ...: every live vertex of degree <= k is peeled with core number k; the
neighbours of the peeled vertices (P.flatten of their rows) that are still alive are sorted
(P.radix_sort) so that each distinct neighbour is one run, and the owner of each run subtracts
its length from that neighbour's degree: one writer per vertex, no scattered decrements. The
neighbours whose degree drops to k or below form the next sub-round's frontier; when none is
left, k jumps to the smallest live degree. The live list is packed once per level. Most
sub-rounds peel a handful of vertices: below SMALL frontier vertices a serial pass (direct
decrements) replaces the dozen parallel steps, whose start-up would cost more than the work.
"""

import numba
import numpy as np

from parevo_lab import primitives as P

SMALL = 256


@numba.njit
def _peel_serial(indptr, indices, frontier, k, core, alive, degree):
    """Peel a small frontier in one thread; returns the vertices whose degree fell to k."""
    edges = 0
    for v in frontier:
        core[v] = k
        alive[v] = False
        edges += indptr[v + 1] - indptr[v]
    reached = np.empty(edges, np.int64)
    count = 0
    for v in frontier:
        for j in range(indptr[v], indptr[v + 1]):
            u = indices[j]
            if alive[u]:
                degree[u] -= 1
                if degree[u] == k:  # degrees fall one at a time: each u crosses once
                    reached[count] = u
                    count += 1
    return reached[:count]


@numba.njit(parallel=True)
def _peel(frontier, k, core, alive):
    """Give the frontier core number k and take it out of the graph."""
    for i in numba.prange(frontier.shape[0]):
        core[frontier[i]] = k
        alive[frontier[i]] = False


@numba.njit(parallel=True)
def _live(vertices, alive):
    """The listed vertices that are still alive, in order."""
    flags = np.empty(vertices.shape[0], np.bool_)
    for i in numba.prange(vertices.shape[0]):
        flags[i] = alive[vertices[i]]
    return P.pack(vertices, flags)


@numba.njit(parallel=True)
def kernel(indptr, indices):
    n = indptr.shape[0] - 1
    core = np.empty(n, np.int64)
    degree = np.empty(n, np.int64)
    for v in numba.prange(n):
        degree[v] = indptr[v + 1] - indptr[v]
    alive = np.ones(n, np.bool_)
    live = np.arange(n)
    k = 0
    while live.shape[0] > 0:
        low = np.empty(live.shape[0], np.bool_)
        for i in numba.prange(live.shape[0]):
            low[i] = degree[live[i]] <= k
        frontier = P.pack(live, low)
        while frontier.shape[0] > 0:
            if frontier.shape[0] < SMALL:
                frontier = _peel_serial(indptr, indices, frontier, k, core, alive, degree)
                continue
            _peel(frontier, k, core, alive)
            _, around = P.flatten(indptr, indices, frontier)
            hit, _ = P.radix_sort(_live(around, alive))
            first = np.empty(hit.shape[0], np.bool_)
            for j in numba.prange(hit.shape[0]):
                first[j] = j == 0 or hit[j] != hit[j - 1]
            starts = P.pack_index(first)
            runs = starts.shape[0]
            drops = np.empty(runs, np.bool_)
            for r in numba.prange(runs):
                end = starts[r + 1] if r + 1 < runs else hit.shape[0]
                u = hit[starts[r]]
                degree[u] -= end - starts[r]
                drops[r] = degree[u] <= k
            frontier = P.pack(hit[starts], drops)
        live = _live(live, alive)
        smallest = np.iinfo(np.int64).max
        for i in numba.prange(live.shape[0]):
            smallest = min(smallest, degree[live[i]])
        k = max(k + 1, smallest)
    return core
