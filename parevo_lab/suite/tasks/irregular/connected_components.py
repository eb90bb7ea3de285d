"""Connected components of a sparse power-law graph, labelled by their smallest vertex id.

labels[v] is the smallest vertex id in v's connected component. The graph is undirected CSR
(``indptr`` int64 of n + 1, ``indices`` int64, rows sorted, no self-loops or duplicates).

Decisions:
- Labels are canonical (the component's minimum id), not "any labelling": the answer is unique,
  the default exact comparison applies, and a kernel that finds the components some other way
  maps them to their minima with one more pass.
- Input: a symmetric R-MAT graph (``graphs.rmat``, Graph500 skew a = 0.57, b = c = 0.19) with
  only 2n edges drawn: at the bench size a giant component holds about a third of the
  vertices, about two thirds are isolated (each its own component) and a few thousand lie in
  small components; ids randomly permuted.
- n = 0 gives an empty array.
- The reference is a serial BFS from each unlabelled vertex in increasing id order, O(n + m).
"""

import numpy as np

from parevo_lab.suite.graphs import rmat

CATEGORY = "graph"
SIZES = {"check": 1000, "bench": 2_000_000}


def make_inputs(size, rng):
    return rmat(size, 2 * size, rng, 0.57, 0.19, 0.19)


def reference(indptr, indices):
    n = indptr.shape[0] - 1
    labels = np.full(n, -1, np.int64)
    queue = np.empty(n, np.int64)
    for s in range(n):
        if labels[s] >= 0:
            continue
        labels[s] = s
        queue[0] = s
        head = 0
        tail = 1
        while head < tail:
            u = queue[head]
            head += 1
            for j in range(indptr[u], indptr[u + 1]):
                v = indices[j]
                if labels[v] < 0:
                    labels[v] = s
                    queue[tail] = v
                    tail += 1
    return labels
