"""Breadth-first search from every vertex not yet reached, one component after the other; each
search is level-synchronous and parallel inside its large levels.

Each level takes the cheaper direction on the dense matrix: top-down reads the rows of the
frontier, bottom-up (when the frontier outnumbers the unvisited vertices) lets every unvisited
vertex scan its own row (A is symmetric) until it meets a frontier vertex. A level that reads
many entries runs in parallel, in one parallel region: top-down over chunks of columns (each
chunk ORs the frontier's row segments into its own flags), bottom-up over the vertices. Small
levels run serially, as a parallel region costs more than they do.
"""

import numba
import numpy as np

COLUMNS = 512  # columns per top-down chunk
SERIAL_ENTRIES = 1 << 17  # a level reading at most about this many entries runs serially


@numba.njit
def _mark(flags, frontier):
    flags[:] = False
    for k in range(frontier.shape[0]):
        flags[frontier[k]] = True


@numba.njit
def _expand_serial(A, frontier, in_frontier, visited, unvisited, top_down):
    """Mark and return the unvisited neighbours of the frontier's vertices, serially."""
    n = A.shape[0]
    reached = np.empty(min(n, unvisited), np.int64)
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


@numba.njit(parallel=True)
def kernel(A):
    n = A.shape[0]
    visited = np.zeros(n, np.bool_)
    found = np.empty(n, np.bool_)
    in_frontier = np.empty(n, np.bool_)
    unvisited = n
    components = 0
    for start in range(n):
        if visited[start]:
            continue
        components += 1
        visited[start] = True
        unvisited -= 1
        frontier = np.full(1, start, np.int64)
        while frontier.shape[0] > 0 and unvisited > 0:
            # one level: mark the unvisited neighbours of the frontier and make them the frontier
            top_down = frontier.shape[0] <= unvisited
            if not top_down:
                _mark(in_frontier, frontier)
            if min(frontier.shape[0], unvisited) * n <= SERIAL_ENTRIES:
                frontier = _expand_serial(A, frontier, in_frontier, visited, unvisited, top_down)
            elif top_down:
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
                frontier = np.flatnonzero(found)
            else:
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
                frontier = np.flatnonzero(found)
            unvisited -= frontier.shape[0]
    return components
