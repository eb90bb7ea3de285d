"""Core numbers (k-core decomposition) by parallel peeling in levels, without atomics."""

from __future__ import annotations

import numba
import numpy as np

from ._util import empty
from .histogram import histogram
from .pack import pack, pack_index
from .segments import flatten
from .sort import radix_sort

SMALL = 256  # a frontier below this many vertices is peeled by one thread
DENSE = 16  # neighbours beyond n / DENSE are counted per vertex rather than sorted


@numba.njit(cache=True)
def _peel_serial(indptr, indices, frontier, k, core, alive, degree):
    """Peel a small frontier in one thread; returns the vertices whose degree fell to k."""
    edges = 0
    for v in frontier:
        core[v] = k
        alive[v] = False
        edges += indptr[v + 1] - indptr[v]
    reached = empty(edges, np.int64)
    count = 0
    for v in frontier:
        for j in range(indptr[v], indptr[v + 1]):
            u = indices[j]
            if alive[u]:
                degree[u] -= 1
                if degree[u] == k:  # degrees fall one at a time: each u crosses k once
                    reached[count] = u
                    count += 1
    return reached[:count]


@numba.njit(parallel=True, cache=True)
def _peel(frontier, k, core, alive):
    for i in numba.prange(frontier.shape[0]):
        core[frontier[i]] = k
        alive[frontier[i]] = False


@numba.njit(parallel=True, cache=True)
def _live(vertices, alive):
    flags = empty(vertices.shape[0], np.bool_)
    for i in numba.prange(vertices.shape[0]):
        flags[i] = alive[vertices[i]]
    return pack(vertices, flags)


@numba.njit(parallel=True, cache=True)
def _subtract_runs(hit, k, degree):
    """``hit`` sorted: each run of one vertex u subtracts its length from degree[u] (one writer
    per vertex); returns the vertices whose degree fell to k or below."""
    first = empty(hit.shape[0], np.bool_)
    for j in numba.prange(hit.shape[0]):
        first[j] = j == 0 or hit[j] != hit[j - 1]
    starts = pack_index(first)
    runs = starts.shape[0]
    drops = empty(runs, np.bool_)
    heads = empty(runs, np.int64)
    for r in numba.prange(runs):
        end = starts[r + 1] if r + 1 < runs else hit.shape[0]
        u = hit[starts[r]]
        heads[r] = u
        degree[u] -= end - starts[r]
        drops[r] = degree[u] <= k
    return pack(heads, drops)


@numba.njit(parallel=True, cache=True)
def _subtract_counts(counts, k, degree, alive):
    """Each live vertex loses counts[v] degrees; returns those whose degree fell to k or below."""
    n = counts.shape[0]
    drops = empty(n, np.bool_)
    for v in numba.prange(n):
        c = counts[v]
        drops[v] = False
        if c > 0 and alive[v]:
            degree[v] -= c
            drops[v] = degree[v] <= k
    return pack_index(drops)


@numba.njit(parallel=True, cache=True)
def _at_most(live, degree, k):
    low = empty(live.shape[0], np.bool_)
    for i in numba.prange(live.shape[0]):
        low[i] = degree[live[i]] <= k
    return pack(live, low)


@numba.njit(parallel=True, cache=True)
def _smallest_degree(live, degree):
    smallest = np.iinfo(np.int64).max
    for i in numba.prange(live.shape[0]):
        smallest = min(smallest, degree[live[i]])
    return smallest


@numba.njit(parallel=True, cache=True)
def core_numbers(indptr, indices):
    """The core number of every vertex of an undirected graph: the largest k such that the
    vertex belongs to a subgraph in which every vertex has degree at least k.

    Work: O(n L + m log n) in the worst case, about O(n + m) on skewed graphs (L distinct core
    levels, each packing the live vertices once). Span: O(rounds (n/p + p)), rounds the peeling
    sub-rounds. Peeling in levels (as Julienne buckets it, without atomics): for k = 0, 1, ...
    every live vertex of degree <= k gets core number k and leaves the graph; its live
    neighbours, gathered (``flatten``) and sorted (``radix_sort``), lose as many degrees as they
    had peeled neighbours, each counted by the one iteration that owns its run (when more than
    n/16 are gathered, a ``histogram`` of them and a scan of all vertices instead); those whose
    degree falls to k form the next sub-round, and k then jumps to the smallest live degree. A
    sub-round of fewer than 256 vertices is peeled by one thread (cheaper than a dozen parallel
    steps). The same numbers as the serial bucket peeling of Batagelj and Zaversnik.

    Args:
        indptr, indices: symmetric int64 CSR without self-loops or duplicates (as
            ``csr_from_edges(..., symmetric=True)`` builds it).

    Returns:
        int64 array of n core numbers (an isolated vertex has 0). n = 0 gives an empty array.
    """
    n = indptr.shape[0] - 1
    core = empty(max(n, 0), np.int64)
    if n <= 0:
        return core
    degree = empty(n, np.int64)
    for v in numba.prange(n):
        degree[v] = indptr[v + 1] - indptr[v]
    alive = np.ones(n, np.bool_)
    live = np.arange(n)
    k = 0
    while live.shape[0] > 0:
        frontier = _at_most(live, degree, k)
        while frontier.shape[0] > 0:
            if frontier.shape[0] < SMALL:
                frontier = _peel_serial(indptr, indices, frontier, k, core, alive, degree)
                continue
            _peel(frontier, k, core, alive)
            _, around = flatten(indptr, indices, frontier)
            if around.shape[0] > n // DENSE:  # many: count per vertex, scan all vertices
                frontier = _subtract_counts(histogram(around, n), k, degree, alive)
            else:  # few: sort them, one run per vertex
                hit, _ = radix_sort(_live(around, alive))
                frontier = _subtract_runs(hit, k, degree)
        live = _live(live, alive)
        if live.shape[0] > 0:
            k = max(k + 1, _smallest_degree(live, degree))
    return core
