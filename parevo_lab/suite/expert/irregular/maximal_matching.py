"""Greedy matching on blocks of ids in parallel, then mutual proposals for the edges between.

1. The ids are cut into BLOCKS contiguous blocks and each block runs the serial greedy on the
   edges inside it, writing only its own vertices. BLOCKS = 2 (one block per core of the
   2-core target): every extra block leaves more edges between blocks for step 2.
2. The unmatched vertices that still have an unmatched neighbour finish by locally dominant
   edges. Every edge {u, v} gets a priority (a hash of the pair, ties broken by the pair
   itself), a strict total order shared by both ends. Each round, every active vertex proposes
   to its unmatched neighbour along its highest-priority edge; two vertices that propose to
   each other match. The globally best remaining edge is always mutual, so each round matches
   at least one pair (in practice a constant fraction). A vertex with no unmatched neighbour
   left is done for good. The proposals are computed in their own function so that numba
   cannot fuse that loop with the one that reads them (its fusion test does not see
   dependences through indirect indices).
"""

import numba
import numpy as np

from parevo_lab import primitives as P

BLOCKS = 2


@numba.njit(inline="always")
def _edge_priority(u, v, n):
    lo = min(u, v)
    hi = max(u, v)
    x = np.uint64(lo * n + hi) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x632BE59BD9B4E019)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31)), lo * n + hi


@numba.njit(parallel=True)
def _propose(indptr, indices, active, free, proposal):
    """Each listed vertex proposes along its best edge to an unmatched neighbour (-1: none)."""
    n = indptr.shape[0] - 1
    for i in numba.prange(active.shape[0]):
        v = active[i]
        best = np.int64(-1)
        best_hash = np.uint64(0)
        best_pair = np.int64(-1)
        for j in range(indptr[v], indptr[v + 1]):
            u = indices[j]
            if free[u]:
                h, pair = _edge_priority(u, v, n)
                if best < 0 or h > best_hash or (h == best_hash and pair > best_pair):
                    best = u
                    best_hash = h
                    best_pair = pair
        proposal[v] = best


@numba.njit(parallel=True)
def kernel(indptr, indices):
    n = indptr.shape[0] - 1
    match = np.full(n, -1, np.int64)
    for b in numba.prange(BLOCKS):
        lo = (b * n) // BLOCKS
        hi = ((b + 1) * n) // BLOCKS
        for u in range(lo, hi):
            if match[u] < 0:
                for j in range(indptr[u], indptr[u + 1]):
                    v = indices[j]
                    if lo <= v < hi and match[v] < 0:
                        match[u] = v
                        match[v] = u
                        break
    free = np.empty(n, np.bool_)  # a compact copy of match < 0 for the neighbour scans
    for v in numba.prange(n):
        free[v] = match[v] < 0
    proposal = np.full(n, -1, np.int64)
    flags = np.empty(n, np.bool_)
    for v in numba.prange(n):
        open_edge = False
        if free[v]:
            for j in range(indptr[v], indptr[v + 1]):
                if free[indices[j]]:
                    open_edge = True
                    break
        flags[v] = open_edge
    active = P.pack_index(flags)
    while active.shape[0] > 0:
        _propose(indptr, indices, active, free, proposal)
        keep = np.empty(active.shape[0], np.bool_)
        for i in numba.prange(active.shape[0]):
            v = active[i]
            u = proposal[v]
            if u >= 0 and proposal[u] == v:
                match[v] = u
                free[v] = False
            keep[i] = u >= 0 and proposal[u] != v
        active = P.pack(active, keep)
    return match
