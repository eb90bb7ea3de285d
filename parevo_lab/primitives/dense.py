"""Graphs given as a dense adjacency matrix (A[u, v] != 0 is an edge u -> v): one level of a
breadth-first search in the cheaper direction, and the hop distance between two vertices by a
level-synchronous BFS that stops at the level reaching the target."""

import numba
import numpy as np

from ._util import empty

COLUMNS = 512  # columns per top-down chunk
SERIAL_ENTRIES = 1 << 17  # a level reading at most about this many entries runs serially


@numba.njit(cache=True)
def _mark(flags, frontier):
    flags[:] = False
    for k in range(frontier.shape[0]):
        flags[frontier[k]] = True


@numba.njit(cache=True)
def _expand_serial(A, frontier, in_frontier, visited, unvisited, top_down):
    """Mark and return the unvisited neighbours of the frontier's vertices, serially."""
    n = A.shape[0]
    reached = empty(n, np.int64)  # not ``unvisited``: a caller's count is only a hint
    count = 0
    if top_down:
        for k in range(frontier.shape[0]):
            row = A[frontier[k]]
            for v in range(n):
                if row[v] != 0 and not visited[v]:
                    visited[v] = True
                    reached[count] = v
                    count += 1
    else:
        for v in range(n):
            if not visited[v]:
                row = A[v]
                for u in range(n):
                    if row[u] != 0 and in_frontier[u]:
                        visited[v] = True
                        reached[count] = v
                        count += 1
                        break
    return reached[:count]


@numba.njit(parallel=True, cache=True)
def _expand_top_down(A, frontier, visited, found):
    """The frontier's rows ORed per chunk of columns: each chunk marks its own unvisited hits."""
    n = A.shape[0]
    for c in numba.prange((n + COLUMNS - 1) // COLUMNS):
        lo = np.int64(c) * COLUMNS
        hi = min(n, lo + COLUMNS)
        out = found[lo:hi]
        seen = visited[lo:hi]
        for j in range(hi - lo):
            out[j] = False
        for k in range(frontier.shape[0]):
            row = A[frontier[k], lo:hi]
            for j in range(hi - lo):
                out[j] = out[j] | (row[j] != 0)
        for j in range(hi - lo):
            if out[j]:
                if seen[j]:
                    out[j] = False
                else:
                    seen[j] = True
    return np.flatnonzero(found)


@numba.njit(parallel=True, cache=True)
def _expand_bottom_up(A, in_frontier, visited, found):
    """Every unvisited vertex scans its own row (A symmetric) until it meets the frontier."""
    n = A.shape[0]
    for v in numba.prange(n):
        hit = False
        if not visited[v]:
            row = A[v]
            for u in range(n):
                if row[u] != 0 and in_frontier[u]:
                    hit = True
                    break
        found[v] = hit
        if hit:
            visited[v] = True
    return np.flatnonzero(found)


@numba.njit(cache=True)
def bfs_level(A, frontier, visited, unvisited, symmetric=False):
    """One level of a breadth-first search on a dense adjacency matrix: marks the unvisited
    vertices the frontier reaches and returns them (in no particular order).

    Work: O(|frontier| n) top-down, O(unvisited n) at most bottom-up. Span: O(|frontier| n / p
    + n/512) top-down, O(n) bottom-up.
    Takes the cheaper direction: top-down ORs the frontier's rows per chunk of 512 columns, each
    chunk marking its own unvisited vertices; bottom-up (only when symmetric, and the frontier
    outnumbers the unvisited vertices) lets each unvisited vertex scan its own row until it meets
    a frontier vertex. A level reading at most about 2^17 entries runs serially.
    A: n x n array, A[u, v] != 0 an edge u -> v; frontier: int64 vertex ids in [0, n);
    visited: bool per vertex, updated in place (ValueError for a frontier vertex outside [0, n)
    or a matrix or visited of another shape); unvisited: how many are False in visited, a hint
    for the direction (a wrong count costs speed, never the answer); symmetric: whether A equals
    its transpose. Returns a new int64 array.
    """
    n = A.shape[0]
    if A.shape[1] != n or visited.shape[0] != n:
        raise ValueError("bfs_level: A must be n x n and visited hold one flag per vertex")
    for k in range(frontier.shape[0]):
        if frontier[k] < 0 or frontier[k] >= n:
            raise ValueError("bfs_level: a frontier vertex lies outside [0, n)")
    top_down = not symmetric or frontier.shape[0] <= unvisited
    in_frontier = empty(n, np.bool_)
    if not top_down:
        _mark(in_frontier, frontier)
    if min(frontier.shape[0], unvisited) * n <= SERIAL_ENTRIES:
        return _expand_serial(A, frontier, in_frontier, visited, unvisited, top_down)
    found = empty(n, np.bool_)
    if top_down:
        return _expand_top_down(A, frontier, visited, found)
    return _expand_bottom_up(A, in_frontier, visited, found)


@numba.njit(cache=True)
def hop_distance(A, source, dest, symmetric=False):
    """The number of edges on a shortest path from source to dest in a dense adjacency matrix.

    Work: O(n^2) at most (each row or column read once per direction). Span: O(d (n^2/p / d +
    n/512)) for d levels, the parallel ones split over chunks of 512 columns or over vertices.
    A level-synchronous BFS from source (``bfs_level`` per level, each in the cheaper direction)
    that stops at the level reaching dest.
    A: n x n array, A[u, v] != 0 an edge u -> v; symmetric: whether A equals its transpose
    (undirected). Returns an int64: 0 when source == dest, -1 when dest cannot be reached or
    either vertex lies outside [0, n).
    """
    n = A.shape[0]
    if not (0 <= source < n and 0 <= dest < n):
        return -1
    if source == dest:
        return 0
    visited = np.zeros(n, np.bool_)
    visited[source] = True
    frontier = np.full(1, source, np.int64)
    unvisited = n - 1
    hops = 0
    while frontier.shape[0] > 0 and unvisited > 0:
        frontier = bfs_level(A, frontier, visited, unvisited, symmetric)
        unvisited -= frontier.shape[0]
        hops += 1
        if visited[dest]:
            return hops
    return -1
