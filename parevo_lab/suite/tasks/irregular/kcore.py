"""Core number of every vertex of a power-law graph (k-core decomposition, as in Julienne).

core[v] is the largest k such that v belongs to a subgraph in which every vertex has degree at
least k. The graph is undirected CSR (``indptr`` int64 of n + 1, ``indices`` int64, rows
sorted, no self-loops or duplicates).

Decisions:
- Input: a symmetric R-MAT graph (``graphs.rmat``, Graph500 skew a = 0.57, b = c = 0.19, 8n
  edges drawn, ids permuted): core numbers range from 0 (the isolated vertices, about half)
  to about two hundred at the bench size. For half of the inputs (drawn per seed and size) a
  ring through every vertex, in random order, joins the R-MAT edges, so no vertex is isolated
  and every core number is at least 2 (found by `parevo audit`: with half the vertices
  isolated, a peeling that skipped the first vertex, or that never moved vertex 0 within its
  bucket, passed).
- The core numbers are unique: default exact comparison. n = 0 gives an empty array.
- The reference is the serial bucket peeling of Batagelj and Zaversnik, O(n + m): vertices kept
  sorted by current degree in an array of buckets, the minimum removed each step and its
  neighbours moved down one bucket.
"""

import numpy as np

from parevo_lab.primitives import csr_from_edges
from parevo_lab.suite.graphs import rmat

CATEGORY = "graph"
SIZES = {"check": 1000, "bench": 250_000}


def make_inputs(size, rng):
    indptr, indices = rmat(size, 8 * size, rng, 0.57, 0.19, 0.19)
    # Drawn after the graph, so the class depends on the size as well as on the seed: half of
    # the inputs also get a ring through every vertex (in random order), so none is isolated.
    if size < 3 or rng.integers(0, 2) == 0:
        return indptr, indices
    ring = rng.permutation(size)
    src = np.concatenate((np.repeat(np.arange(size), np.diff(indptr)), ring))
    dst = np.concatenate((indices, np.roll(ring, 1)))
    return csr_from_edges(np.int64(size), src, dst, True)


def reference(indptr, indices):
    n = indptr.shape[0] - 1
    degree = np.empty(n, np.int64)
    top = 0
    for v in range(n):
        degree[v] = indptr[v + 1] - indptr[v]
        top = max(top, degree[v])
    start = np.zeros(top + 2, np.int64)  # start[d]: first slot of bucket d in `order`
    for v in range(n):
        start[degree[v] + 1] += 1
    for d in range(top + 1):
        start[d + 1] += start[d]
    order = np.empty(n, np.int64)  # vertices sorted by current degree
    where = np.empty(n, np.int64)  # slot of each vertex in `order`
    fill = start.copy()
    for v in range(n):
        d = degree[v]
        where[v] = fill[d]
        order[fill[d]] = v
        fill[d] += 1
    for i in range(n):
        v = order[i]
        for j in range(indptr[v], indptr[v + 1]):
            u = indices[j]
            du = degree[u]
            if du > degree[v]:
                # swap u with the first vertex of its bucket, then shrink the bucket past it
                first = start[du]
                w = order[first]
                if w != u:
                    order[where[u]] = w
                    where[w] = where[u]
                    order[first] = u
                    where[u] = first
                start[du] = first + 1
                degree[u] = du - 1
    return degree
