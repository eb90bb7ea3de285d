"""A maximal independent set of a graph with local edges (PBBS maximalIndependentSet).

Return a bool array ``in_set`` of n: no edge joins two members (independent) and every vertex
outside the set has a neighbour inside it (maximal). The graph is undirected CSR (``indptr``
int64 of n + 1, ``indices`` int64, rows sorted, no self-loops or duplicates).

Decisions:
- Any maximal independent set is accepted: ``check`` validates independence and maximality in
  vectorised numpy, so it never compares against the reference's set (an int array of 0/1 is
  accepted as well as bool).
- Input: ``graphs.random_local`` with 5 neighbours drawn per vertex (about 10 per vertex once
  symmetric), like PBBS's randLocalGraph: most edges join nearby ids.
- Isolated vertices are always members; n = 0 gives an empty array.
- The reference is the serial greedy (lexicographically first) MIS: scan the vertices in id
  order, take each vertex no member blocks, block its neighbours. O(n + m).
"""

import numpy as np

from parevo_lab.suite.graphs import random_local

CATEGORY = "graph"
SIZES = {"check": 1000, "bench": 4_000_000}


def make_inputs(size, rng):
    return random_local(size, 5, rng)


def reference(indptr, indices):
    n = indptr.shape[0] - 1
    in_set = np.zeros(n, np.bool_)
    blocked = np.zeros(n, np.bool_)
    for v in range(n):
        if not blocked[v]:
            in_set[v] = True
            for j in range(indptr[v], indptr[v + 1]):
                blocked[indices[j]] = True
    return in_set


def check(expected, actual, args):
    indptr, indices = args
    n = indptr.shape[0] - 1
    assert isinstance(actual, np.ndarray), f"expected a bool array, got {type(actual).__name__}"
    assert actual.shape == (n,), f"expected shape ({n},), got {actual.shape}"
    if actual.dtype != np.bool_:
        assert actual.dtype.kind in "iu" and np.isin(actual, (0, 1)).all(), (
            f"expected bool (or 0/1) values, got dtype {actual.dtype}"
        )
        actual = actual.astype(np.bool_)
    src = np.repeat(np.arange(n), np.diff(indptr))
    both = np.flatnonzero(actual[src] & actual[indices])
    assert both.size == 0, (
        f"not independent: {both.size // 2} edges join two members, "
        f"e.g. {src[both[0]]}-{indices[both[0]]}"
    )
    covered = np.zeros(n, np.bool_)
    covered[src[actual[indices]]] = True
    loose = np.flatnonzero(~actual & ~covered)
    assert loose.size == 0, (
        f"not maximal: {loose.size} non-members have no member neighbour, e.g. vertex {loose[0]}"
    )
