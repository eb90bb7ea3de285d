"""Traversal on CSR graphs: the Ligra edge-map (push and pull) and direction-optimising BFS.

CSR conventions, and what a prange loop may write: see ``csr``.
"""

import numba
import numpy as np
from numba import prange

from ._util import empty, full, zeros
from .csr import _exclusive_scan, _stable_bucket
from .pack import pack, pack_index

PUSH = 0
PULL = 1

_DENSE_ROWS = 8  # private rows of marks in a dense push


@numba.njit(parallel=True, cache=True)
def _edge_map_push(indptr, indices, frontier_flags, visited):
    """Push: the frontier's out-edges to unvisited targets, claimed range by range (``_claims``)."""
    n = indptr.shape[0] - 1
    reached = empty(n, np.int8)  # _claims reads a level: >= 0 when visited (a byte suffices)
    for v in prange(n):
        reached[v] = 0 if visited[v] else -1
    grouped, _, ptr, ranges = _claims(indptr, indices, pack_index(frontier_flags), reached)
    nxt = zeros(n, np.bool_)
    for r in prange(ranges):
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
def _frontier_edges(indptr, frontier):
    edges = 0
    for i in prange(frontier.shape[0]):
        u = frontier[i]
        edges += indptr[u + 1] - indptr[u]
    return edges


@numba.njit(parallel=True, cache=True)
def _claims(indptr, indices, frontier, levels):
    """The frontier's out-edges (target, source) to unvisited targets, grouped by target range:
    range r holds ptr[r]:ptr[r + 1] of the returned arrays (targets already visited go to a last
    range, which is never read). Gathered through an exclusive scan of the frontier's degrees."""
    n = indptr.shape[0] - 1
    nf = frontier.shape[0]
    degree = empty(nf, np.int64)
    for i in prange(nf):
        u = frontier[i]
        degree[i] = indptr[u + 1] - indptr[u]
    off = _exclusive_scan(degree)
    k = off[nf]
    ranges = max(np.int64(1), min(n, k // 64 + 1))
    width = (n + ranges - 1) // ranges
    targets = empty(k, np.int64)
    sources = empty(k, np.int64)
    keys = empty(k, np.int64)
    for i in prange(nf):
        u = frontier[i]
        p = off[i]
        for j in range(indptr[u], indptr[u + 1]):
            w = indices[j]
            targets[p] = w
            sources[p] = u
            keys[p] = ranges if levels[w] >= 0 else w // width
            p += 1
    ptr, pos = _stable_bucket(keys, ranges + 1)
    grouped = empty(k, np.int64)
    by = empty(k, np.int64)
    for j in prange(k):
        grouped[pos[j]] = targets[j]
        by[pos[j]] = sources[j]
    return grouped, by, ptr, ranges


@numba.njit(parallel=True, cache=True)
def _settle(grouped, by, ptr, ranges, levels, parent, depth):
    """Top-down step, second half: each target range sets the level (and the parent, when
    ``parent`` is not empty) of its targets not yet reached; returns them, the next frontier."""
    tracked = parent.shape[0] > 0
    fresh = zeros(ptr[ranges], np.bool_)
    for r in prange(ranges):
        rr = np.int64(r)
        for j in range(ptr[rr], ptr[rr + 1]):
            w = grouped[j]
            if levels[w] < 0:
                levels[w] = depth
                fresh[j] = True
                if tracked:
                    parent[w] = by[j]
    return pack(grouped[: ptr[ranges]], fresh)


@numba.njit(parallel=True, cache=True)
def _pull_list(indptr, indices, unvisited, levels, depth):
    """Bottom-up step, first half: for each listed vertex, its first neighbour on level depth - 1
    (-1 when none; -2 when the vertex was reached since the list was made)."""
    found = empty(unvisited.shape[0], np.int64)
    for i in prange(unvisited.shape[0]):
        u = unvisited[i]
        f = np.int64(-2) if levels[u] >= 0 else np.int64(-1)
        if f == -1:
            for j in range(indptr[u], indptr[u + 1]):
                if levels[indices[j]] == depth - 1:
                    f = indices[j]
                    break
        found[i] = f
    return found


@numba.njit(parallel=True, cache=True)
def _mark_found(unvisited, found, levels, parent, depth):
    """Bottom-up step, second half (its own function: numba would fuse it with the reads of the
    first): the level and parent of each vertex found; returns (found, still unvisited)."""
    tracked = parent.shape[0] > 0
    hit = empty(unvisited.shape[0], np.bool_)
    miss = empty(unvisited.shape[0], np.bool_)
    for i in prange(unvisited.shape[0]):
        u = unvisited[i]
        hit[i] = found[i] >= 0
        miss[i] = found[i] == -1
        if found[i] >= 0:
            levels[u] = depth
            if tracked:
                parent[u] = found[i]
    return pack(unvisited, hit), pack(unvisited, miss)


@numba.njit(parallel=True, cache=True)
def _push_dense_step(indptr, indices, frontier, levels, depth):
    """A dense top-down step on a directed graph: frontier flags, private rows of marks."""
    n = indptr.shape[0] - 1
    flags = zeros(n, np.bool_)
    for i in prange(frontier.shape[0]):
        flags[frontier[i]] = True
    visited = empty(n, np.bool_)
    for v in prange(n):
        visited[v] = levels[v] >= 0
    nxt = _edge_map_push_dense(indptr, indices, flags, visited)
    for v in prange(n):
        if nxt[v]:
            levels[v] = depth
    return pack_index(nxt)


@numba.njit(cache=True)
def _bfs(indptr, indices, source, symmetric, levels, parent):
    """Direction-optimising BFS over frontier lists: fills ``levels`` (all -1 on entry) and, when
    ``parent`` is not empty (and the graph symmetric), each reached vertex's parent."""
    n = indptr.shape[0] - 1
    m = indptr[n]
    levels[source] = 0
    frontier = np.full(1, source, np.int64)
    unvisited = empty(0, np.int64)
    listed = False
    depth = 0
    while frontier.shape[0] > 0:
        depth += 1
        if _frontier_edges(indptr, frontier) * 14 > m:
            if symmetric:
                if not listed:
                    unvisited = pack_index(_unreached_with_edges(indptr, levels))
                    listed = True
                found = _pull_list(indptr, indices, unvisited, levels, depth)
                frontier, unvisited = _mark_found(unvisited, found, levels, parent, depth)
            else:
                frontier = _push_dense_step(indptr, indices, frontier, levels, depth)
        else:
            grouped, by, ptr, ranges = _claims(indptr, indices, frontier, levels)
            frontier = _settle(grouped, by, ptr, ranges, levels, parent, depth)


@numba.njit(parallel=True, cache=True)
def _unreached_with_edges(indptr, levels):
    n = indptr.shape[0] - 1
    flags = empty(n, np.bool_)
    for v in prange(n):
        flags[v] = levels[v] < 0 and indptr[v + 1] > indptr[v]
    return flags


@numba.njit(cache=True)
def bfs_levels(indptr, indices, source, symmetric=False):
    """Breadth-first levels from ``source``, direction-optimising (Beamer) over frontier lists.

    Work: O(n + m). Span: O(D * (sqrt(n + m) + max degree)) for D levels.

    Args:
        indptr, indices: int64 CSR of out-edges (directed or symmetric).
        source: start vertex in [0, n) (ValueError otherwise).
        symmetric: promise that the CSR is symmetric, so dense steps can pull (each unvisited
            vertex stops at its first neighbour in the frontier) over the CSR itself (a wrong
            promise gives wrong levels).

    Returns:
        int64 array of n: hop distance from source, -1 for unreachable vertices. The frontier
        is a list of vertices. Steps whose frontier has more than m / 14 out-edges are dense:
        when ``symmetric`` they pull over a list of the vertices not yet reached that have
        edges (made at the first dense step, shrunk by each); otherwise they push into a few
        private rows of marks merged per vertex (no transpose is built, O(n) per such step).
        Sparse steps push the frontier's out-edges, gathered through a scan of its degrees and
        grouped by target range, each range claiming its own targets.
    """
    n = indptr.shape[0] - 1
    source = np.int64(source)
    if source < 0 or source >= n:
        raise ValueError("source out of range")
    levels = full(n, -1, np.int64)
    _bfs(indptr, indices, source, symmetric, levels, empty(0, np.int64))
    return levels


@numba.njit(cache=True)
def bfs_tree(indptr, indices, source):
    """A breadth-first tree from ``source`` as parent pointers (Graph500's BFS output), by the
    direction-optimising steps of ``bfs_levels(..., symmetric=True)``.

    Work: O(n + m). Span: O(D * (sqrt(n + m) + max degree)) for D levels.

    Args:
        indptr, indices: symmetric (undirected) int64 CSR (a directed one gives a wrong tree).
        source: the root, in [0, n) (ValueError otherwise).

    Returns:
        int64 array of n: parent[source] = source, -1 for unreachable vertices, otherwise a
        neighbour of v one level nearer the source: the first in v's row when a bottom-up step
        reached v, else the first frontier vertex (in frontier order) with an edge to v.
    """
    n = indptr.shape[0] - 1
    source = np.int64(source)
    if source < 0 or source >= n:
        raise ValueError("source out of range")
    levels = full(n, -1, np.int64)
    parent = full(n, -1, np.int64)
    _bfs(indptr, indices, source, True, levels, parent)
    parent[source] = source
    return parent
