"""A spanning forest of a sparse power-law graph, as parent pointers (PBBS spanningForest).

Return ``parent`` (int64 of n): -1 for the root of each tree, otherwise the next vertex on the
way to the root. Every (v, parent[v]) must be an edge of the graph, following parents must end
at a root (no cycles), and there must be exactly one tree per connected component. The graph is
undirected CSR (``indptr`` int64 of n + 1, ``indices`` int64, rows sorted, no self-loops or
duplicates).

Decisions:
- Any spanning forest, with any roots, is accepted: ``check`` validates it in vectorised numpy
  (edges by binary search over the sorted (row, column) keys, acyclicity by pointer doubling,
  the root count against the reference's, which is the number of components).
- Parent pointers rather than PBBS's list of edge ids: no edge numbering needed.
- Input: a symmetric R-MAT graph (``graphs.rmat``, Graph500 skew a = 0.57, b = c = 0.19) with 2n
  edges drawn: a giant component with about a third of the vertices, about two thirds isolated
  vertices (their own roots) and a few thousand vertices in small components.
- n = 0 gives an empty array.
- The reference is a serial BFS forest: a BFS from each unvisited vertex in id order, whose
  root is therefore its component's smallest id. O(n + m).
"""

import numpy as np

from parevo_lab.suite.graphs import rmat

CATEGORY = "graph"
SIZES = {"check": 1000, "bench": 2_000_000}


def make_inputs(size, rng):
    return rmat(size, 2 * size, rng, 0.57, 0.19, 0.19)


def reference(indptr, indices):
    n = indptr.shape[0] - 1
    parent = np.full(n, -1, np.int64)
    seen = np.zeros(n, np.bool_)
    queue = np.empty(n, np.int64)
    for s in range(n):
        if seen[s]:
            continue
        seen[s] = True
        queue[0] = s
        head = 0
        tail = 1
        while head < tail:
            u = queue[head]
            head += 1
            for j in range(indptr[u], indptr[u + 1]):
                v = indices[j]
                if not seen[v]:
                    seen[v] = True
                    parent[v] = u
                    queue[tail] = v
                    tail += 1
    return parent


def check(expected, actual, args):
    indptr, indices = args
    n = indptr.shape[0] - 1
    assert isinstance(actual, np.ndarray), f"expected an int array, got {type(actual).__name__}"
    assert actual.shape == (n,), f"expected shape ({n},), got {actual.shape}"
    assert actual.dtype.kind in "iu", f"expected integers, got dtype {actual.dtype}"
    parent = actual.astype(np.int64)
    bad = np.flatnonzero((parent < -1) | (parent >= n))
    assert bad.size == 0, f"parent[{bad[0]}] = {parent[bad[0]]} is not -1 or a vertex"
    roots = int(np.count_nonzero(parent < 0))
    components = int(np.count_nonzero(expected < 0))
    assert roots == components, (
        f"{roots} trees for {components} connected components (one root per component expected)"
    )
    child = np.flatnonzero(parent >= 0)
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    keys = src * max(n, 1) + indices  # sorted: rows in order, each row sorted
    wanted = child * max(n, 1) + parent[child]
    at = np.minimum(np.searchsorted(keys, wanted), max(keys.size - 1, 0))
    bad = np.flatnonzero(keys[at] != wanted) if keys.size else np.arange(wanted.size)
    assert bad.size == 0, (
        f"parent[{child[bad[0]]}] = {parent[child[bad[0]]]} but that is not an edge"
    )
    up = np.where(parent < 0, np.arange(n), parent)  # roots point to themselves
    for _ in range(max(n, 1).bit_length() + 1):  # 2^k >= n steps reach the root of any tree
        up = up[up]
    stuck = np.flatnonzero(parent[up] >= 0) if n else up
    assert stuck.size == 0, f"vertex {stuck[0]} is on or below a cycle of parent pointers"
