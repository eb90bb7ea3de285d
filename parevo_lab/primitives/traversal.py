"""Traversal on CSR graphs: the Ligra edge-map (push and pull) and direction-optimising BFS.

CSR conventions, and what a prange loop may write: see ``csr``.
"""

import numba
import numpy as np
from numba import prange

from ._util import empty, full, zeros
from .csr import _exclusive_scan, _stable_bucket

PUSH = 0
PULL = 1

_DENSE_ROWS = 8  # private rows of marks in a dense push


@numba.njit(parallel=True, cache=True)
def _edge_map_push(indptr, indices, frontier_flags, visited):
    n = indptr.shape[0] - 1
    flags = empty(n, np.int64)
    for v in prange(n):
        flags[v] = 1 if frontier_flags[v] else 0
    fpos = _exclusive_scan(flags)
    nf = fpos[n]
    fverts = empty(nf, np.int64)
    for v in prange(n):
        if frontier_flags[v]:
            fverts[fpos[v]] = v
    deg = empty(nf, np.int64)
    for i in prange(nf):
        u = fverts[i]
        deg[i] = indptr[u + 1] - indptr[u]
    off = _exclusive_scan(deg)
    k = off[nf]
    # candidates go into private segments; the key says which vertex range owns them
    nranges = max(np.int64(1), min(n, k // 64 + 1))
    width = (n + nranges - 1) // nranges
    targets = empty(k, np.int64)
    keys = empty(k, np.int64)
    for i in prange(nf):
        u = fverts[i]
        p = off[i]
        for j in range(indptr[u], indptr[u + 1]):
            w = indices[j]
            targets[p] = w
            keys[p] = nranges if visited[w] else w // width
            p += 1
    ptr, pos = _stable_bucket(keys, nranges + 1)
    grouped = empty(k, np.int64)
    for j in prange(k):
        grouped[pos[j]] = targets[j]
    nxt = zeros(n, np.bool_)
    for r in prange(nranges):
        rr = np.int64(r)
        for j in range(ptr[rr], ptr[rr + 1]):
            nxt[grouped[j]] = True
    return nxt


@numba.njit(parallel=True, cache=True)
def _edge_map_push_dense(indptr, indices, frontier_flags, visited):
    """Push for a dense frontier, without a transpose: the sources are cut into at most 8 blocks
    of about equal out-edge counts (and at most m / n, so zeroing and merging the rows costs no
    more than the edges); each block marks targets in its own row, then each vertex ORs its column."""
    n = indptr.shape[0] - 1
    m = indptr[n]
    rows = max(np.int64(1), min(np.int64(_DENSE_ROWS), m // max(n, np.int64(1))))
    marks = zeros((rows, n), np.bool_)
    for r in prange(rows):
        rr = np.int64(r)
        lo = np.int64(np.searchsorted(indptr, rr * m // rows))
        hi = np.int64(np.searchsorted(indptr, (rr + 1) * m // rows)) if rr + 1 < rows else n
        for u in range(lo, hi):
            if frontier_flags[u]:
                for j in range(indptr[u], indptr[u + 1]):
                    marks[rr, indices[j]] = True
    nxt = empty(n, np.bool_)
    for v in prange(n):
        hit = False
        if not visited[v]:
            for r in range(rows):
                hit = hit or marks[r, v]
        nxt[v] = hit
    return nxt


@numba.njit(parallel=True, cache=True)
def _edge_map_pull(indptr, indices, frontier_flags, visited):
    n = indptr.shape[0] - 1
    nxt = zeros(n, np.bool_)
    for v in prange(n):
        vv = np.int64(v)
        if not visited[vv]:
            for j in range(indptr[vv], indptr[vv + 1]):
                if frontier_flags[indices[j]]:
                    nxt[vv] = True
                    break
    return nxt


@numba.njit(cache=True)
def edge_map(indptr, indices, frontier_flags, visited, direction):
    """One Ligra edge-map step: flag the unvisited vertices that have a neighbour in the frontier.

    Work: push O(n + k) for k frontier out-edges; pull O(n + in-edges of unvisited vertices).
    Span: push O(sqrt(n + k) + k / 8 + max in-degree); pull O(max in-degree).

    Args:
        indptr, indices: CSR. For direction 0 (push) the out-edges; for direction 1 (pull)
            the in-edges (use ``transpose`` on a directed graph; a symmetric CSR serves both).
        frontier_flags: bool array of n, the current frontier.
        visited: bool array of n; visited vertices are never flagged.
        direction: 0 = push (``PUSH``): frontier vertices gather their targets into
            private segments sized by an exclusive scan of degrees; a second pass groups them
            by vertex range and each range marks its own vertices. 1 = pull (``PULL``): each
            unvisited vertex checks its in-neighbours and writes only its own flag.

    Returns:
        bool array of n: the next frontier. Empty frontier or n = 0 gives all False.
    """
    if direction == PUSH:
        return _edge_map_push(indptr, indices, frontier_flags, visited)
    if direction != PULL:
        raise ValueError("direction must be 0 (push) or 1 (pull)")
    return _edge_map_pull(indptr, indices, frontier_flags, visited)


@numba.njit(parallel=True, cache=True)
def bfs_levels(indptr, indices, source, symmetric=False):
    """Breadth-first levels from ``source``, direction-optimising (Beamer) on top of edge_map.

    Work: O(D * n + m) for D levels. Span: O(D * (sqrt(n + m) + m / 8 + max degree)).

    Args:
        indptr, indices: int64 CSR of out-edges (directed or symmetric).
        source: start vertex in [0, n) (ValueError otherwise).
        symmetric: promise that the CSR is symmetric, so dense steps can pull (each unvisited
            vertex stops at its first neighbour in the frontier) over the CSR itself (a wrong
            promise gives wrong levels).

    Returns:
        int64 array of n: hop distance from source, -1 for unreachable vertices. Steps whose
        frontier has more than m / 14 out-edges are dense: they pull when ``symmetric``, and
        otherwise push into a few private rows of marks merged per vertex (no transpose is
        built); sparse steps push through a scan of the frontier's degrees.
    """
    n = indptr.shape[0] - 1
    source = np.int64(source)
    if source < 0 or source >= n:
        raise ValueError("source out of range")
    m = indptr[n]
    levels = full(n, -1, np.int64)
    visited = zeros(n, np.bool_)
    frontier = zeros(n, np.bool_)
    levels[source] = 0
    visited[source] = True
    frontier[source] = True
    frontier_edges = indptr[source + 1] - indptr[source]
    depth = 0
    while True:
        depth += 1
        if frontier_edges * 14 > m:
            if symmetric:
                nxt = _edge_map_pull(indptr, indices, frontier, visited)
            else:
                nxt = _edge_map_push_dense(indptr, indices, frontier, visited)
        else:
            nxt = _edge_map_push(indptr, indices, frontier, visited)
        count = 0
        edges = 0
        for v in prange(n):
            vv = np.int64(v)
            if nxt[vv]:
                levels[vv] = depth
                visited[vv] = True
                count += 1
                edges += indptr[vv + 1] - indptr[vv]
        if count == 0:
            break
        frontier = nxt
        frontier_edges = edges
    return levels
