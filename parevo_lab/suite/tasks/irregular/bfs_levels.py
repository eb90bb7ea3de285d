"""Breadth-first search levels from one source on a power-law graph (PBBS BFS, GAP bfs).

levels[v] is the number of edges on a shortest path from ``source`` to v, and -1 when v cannot be
reached. The graph is undirected CSR (``indptr`` int64 of n + 1, ``indices`` int64, rows sorted,
no self-loops or duplicates).

Decisions:
- Input: a symmetric R-MAT graph (``graphs.rmat``) with Graph500's skew (a = 0.57, b = c = 0.19)
  and 8n edges drawn (about 7.6n distinct undirected edges remain once duplicates and
  self-loops are dropped; about half of the vertices are isolated and the largest degree is
  in the tens of thousands at the bench size), vertex ids randomly permuted.
- The source is a vertex of largest degree (the smallest such id), so the search sweeps the
  giant component instead of stopping at an isolated vertex. n = 0 has source 0 and gives an
  empty array.
- The levels are unique, so the default exact comparison applies.
- The reference is the good serial algorithm, direction-optimising BFS (Beamer et al.): a level
  whose frontier has more than m / 14 out-edges runs bottom-up (each unreached vertex scans its
  neighbours and stops at the first one on the previous level) instead of pushing every
  frontier edge; on these low-diameter graphs that skips most edges of the big middle levels.
  The plain queue BFS would be 3-4x slower, a gain the parallel kernels should not be credited
  with.
"""

import numpy as np

from parevo_lab.suite.graphs import rmat

CATEGORY = "graph"
SIZES = {"check": 1000, "bench": 2_000_000}


def make_inputs(size, rng):
    indptr, indices = rmat(size, 8 * size, rng, 0.57, 0.19, 0.19)
    source = int(np.argmax(np.diff(indptr))) if size else 0
    return indptr, indices, source


def reference(indptr, indices, source):
    n = indptr.shape[0] - 1
    levels = np.full(n, -1, np.int64)
    if n == 0:
        return levels
    m = indptr[n]
    queue = np.empty(n, np.int64)  # the vertices in the order they are reached, level by level
    levels[source] = 0
    queue[0] = source
    head = 0
    tail = 1
    frontier_edges = indptr[source + 1] - indptr[source]
    depth = 0
    while head < tail:
        depth += 1
        start = tail
        if frontier_edges * 14 > m:
            # bottom-up: every unreached vertex looks for a neighbour on the last level
            for v in range(n):
                if levels[v] < 0:
                    for j in range(indptr[v], indptr[v + 1]):
                        if levels[indices[j]] == depth - 1:
                            levels[v] = depth
                            queue[tail] = v
                            tail += 1
                            break
        else:
            for i in range(head, start):
                u = queue[i]
                for j in range(indptr[u], indptr[u + 1]):
                    v = indices[j]
                    if levels[v] < 0:
                        levels[v] = depth
                        queue[tail] = v
                        tail += 1
        head = start
        frontier_edges = 0
        for i in range(head, tail):
            frontier_edges += indptr[queue[i] + 1] - indptr[queue[i]]
    return levels
