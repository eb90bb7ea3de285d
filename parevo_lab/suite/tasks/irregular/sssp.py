"""Single-source shortest paths with integer weights on a 3-D torus (GAP sssp, delta-stepping).

dist[v] is the smallest total weight of a path from ``source`` to v, and -1 when v cannot be
reached. The graph is undirected CSR (``indptr`` int64 of n + 1, ``indices`` int64, rows
sorted, no self-loops or duplicates) with ``weights`` (int64, aligned with ``indices``, both
directions of an edge equal).

Decisions:
- Input: a 3-D torus (``graphs.grid3d``) of side round(size^(1/3)), so the vertex count is the
  nearest cube to ``size`` (size 17 gives 27 vertices, size 3 one vertex), with weights uniform
  in [1, 255] (``graphs.edge_weights``, GAP's range). A torus has a large diameter (1.5 side
  hops), the hard case for parallel SSSP: many rounds with small frontiers. The source is a
  uniformly random vertex; n = 0 has source 0 and gives an empty array.
- Weights are positive integers, so distances are exact and unique: default exact comparison.
- The reference is serial Dijkstra with a binary heap of (distance, vertex) pairs and lazy
  deletion, O(m log m).
"""

import numpy as np

from parevo_lab.suite.graphs import edge_weights, grid3d

CATEGORY = "graph"
SIZES = {"check": 1000, "bench": 216_000}


def make_inputs(size, rng):
    indptr, indices = grid3d(int(round(size ** (1 / 3))))
    weights = edge_weights(indptr, indices, rng, 255)
    n = indptr.shape[0] - 1
    source = int(rng.integers(n)) if n else 0
    return indptr, indices, weights, source


def reference(indptr, indices, weights, source):
    n = indptr.shape[0] - 1
    dist = np.full(n, -1, np.int64)
    if n == 0:
        return dist
    best = np.full(n, np.iinfo(np.int64).max, np.int64)
    heap_key = np.empty(indptr[n] + 1, np.int64)
    heap_vertex = np.empty(indptr[n] + 1, np.int64)
    heap_key[0] = 0
    heap_vertex[0] = source
    size = 1
    best[source] = 0
    while size > 0:
        d = heap_key[0]
        u = heap_vertex[0]
        size -= 1
        # move the last entry to the root and sift it down
        key = heap_key[size]
        vertex = heap_vertex[size]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= size:
                break
            if c + 1 < size and heap_key[c + 1] < heap_key[c]:
                c += 1
            if heap_key[c] >= key:
                break
            heap_key[i] = heap_key[c]
            heap_vertex[i] = heap_vertex[c]
            i = c
        heap_key[i] = key
        heap_vertex[i] = vertex
        if dist[u] >= 0:
            continue  # a stale entry: u was settled with a smaller distance
        dist[u] = d
        for j in range(indptr[u], indptr[u + 1]):
            v = indices[j]
            nd = d + weights[j]
            if dist[v] < 0 and nd < best[v]:
                best[v] = nd
                # push (nd, v) and sift it up
                i = size
                size += 1
                while i > 0:
                    p = (i - 1) // 2
                    if heap_key[p] <= nd:
                        break
                    heap_key[i] = heap_key[p]
                    heap_vertex[i] = heap_vertex[p]
                    i = p
                heap_key[i] = nd
                heap_vertex[i] = v
    return dist
