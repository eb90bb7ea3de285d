"""Number of triangles in a power-law graph (PBBS triangleCount, GAP tc).

Count the sets {u, v, w} of three vertices joined pairwise by edges, each once. The graph is
undirected CSR (``indptr`` int64 of n + 1, ``indices`` int64, rows sorted ascending, no
self-loops or duplicates): kernels may rely on the sorted rows.

Decisions:
- Input: a symmetric R-MAT graph (``graphs.rmat``, Graph500 skew a = 0.57, b = c = 0.19, 8n
  edges drawn, ids permuted). Hubs have degrees in the thousands, so the order of the
  intersections matters far more than on a uniform graph.
- The reference is the good serial algorithm, not the naive one: edges are oriented from the
  lower to the higher (degree, id) rank, and each oriented edge u -> v adds
  |N+(u) intersect N+(v)| by a merge of the two sorted out-lists. This bounds every out-degree
  by sqrt(2m) and counts each triangle exactly once (at its lowest-ranked vertex); ordering by
  id alone would make hubs intersect their whole lists for each of their edges.
- Returns an int64; 0 for n = 0 or a graph without triangles. Unique: default comparison.
"""

import numpy as np

from parevo_lab.suite.graphs import rmat

CATEGORY = "graph"
SIZES = {"check": 1000, "bench": 25_000}


def make_inputs(size, rng):
    return rmat(size, 8 * size, rng, 0.57, 0.19, 0.19)


def reference(indptr, indices):
    n = indptr.shape[0] - 1
    out_ptr = np.zeros(n + 1, np.int64)
    for v in range(n):
        dv = indptr[v + 1] - indptr[v]
        higher = 0
        for j in range(indptr[v], indptr[v + 1]):
            u = indices[j]
            du = indptr[u + 1] - indptr[u]
            if du > dv or (du == dv and u > v):
                higher += 1
        out_ptr[v + 1] = out_ptr[v] + higher
    out = np.empty(out_ptr[n], np.int64)
    for v in range(n):
        dv = indptr[v + 1] - indptr[v]
        k = out_ptr[v]
        for j in range(indptr[v], indptr[v + 1]):
            u = indices[j]
            du = indptr[u + 1] - indptr[u]
            if du > dv or (du == dv and u > v):
                out[k] = u
                k += 1
    count = 0
    for v in range(n):
        for j in range(out_ptr[v], out_ptr[v + 1]):
            u = out[j]
            p = out_ptr[v]
            p_end = out_ptr[v + 1]
            q = out_ptr[u]
            q_end = out_ptr[u + 1]
            while p < p_end and q < q_end:
                a = out[p]
                b = out[q]
                if a < b:
                    p += 1
                elif b < a:
                    q += 1
                else:
                    count += 1
                    p += 1
                    q += 1
    return count
