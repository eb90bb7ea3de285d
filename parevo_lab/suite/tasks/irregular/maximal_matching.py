"""A maximal matching of a power-law graph (PBBS maximalMatching).

Return ``match`` (int64 of n): match[v] is v's partner, or -1 when v is unmatched. Partners are
mutual (match[match[v]] == v), every matched pair is an edge of the graph, and no edge joins two
unmatched vertices (maximal). The graph is undirected CSR (``indptr`` int64 of n + 1,
``indices`` int64, rows sorted, no self-loops or duplicates).

Decisions:
- Any maximal matching is accepted: ``check`` validates it in vectorised numpy (edge membership
  by binary search over the sorted (row, column) keys), never against the reference's matching.
- The output is a partner array rather than PBBS's list of edge ids: it needs no edge numbering
  and is easy to produce from any algorithm.
- Input: a symmetric R-MAT graph (``graphs.rmat``, Graph500 skew a = 0.57, b = c = 0.19, 8n edges
  drawn, ids permuted). n = 0 gives an empty array.
- The reference is the serial greedy matching: visit the vertices in id order and match each
  unmatched one to its first unmatched neighbour. O(n + m).
"""

import numpy as np

from parevo_lab.suite.graphs import rmat

CATEGORY = "graph"
SIZES = {"check": 1000, "bench": 3_000_000}


def make_inputs(size, rng):
    return rmat(size, 8 * size, rng, 0.57, 0.19, 0.19)


def reference(indptr, indices):
    n = indptr.shape[0] - 1
    match = np.full(n, -1, np.int64)
    for u in range(n):
        if match[u] >= 0:
            continue
        for j in range(indptr[u], indptr[u + 1]):
            v = indices[j]
            if match[v] < 0:
                match[u] = v
                match[v] = u
                break
    return match


def check(expected, actual, args):
    indptr, indices = args
    n = indptr.shape[0] - 1
    assert isinstance(actual, np.ndarray), f"expected an int array, got {type(actual).__name__}"
    assert actual.shape == (n,), f"expected shape ({n},), got {actual.shape}"
    assert actual.dtype.kind in "iu", f"expected integers, got dtype {actual.dtype}"
    match = actual.astype(np.int64)
    bad = np.flatnonzero((match < -1) | (match >= n))
    assert bad.size == 0, f"match[{bad[0]}] = {match[bad[0]]} is not -1 or a vertex"
    matched = np.flatnonzero(match >= 0)
    partner = match[matched]
    bad = np.flatnonzero(match[partner] != matched)
    assert bad.size == 0, (
        f"not mutual: match[{matched[bad[0]]}] = {partner[bad[0]]} but "
        f"match[{partner[bad[0]]}] = {match[partner[bad[0]]]}"
    )
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    keys = src * max(n, 1) + indices  # sorted: rows in order, each row sorted
    wanted = matched * max(n, 1) + partner
    at = np.minimum(np.searchsorted(keys, wanted), max(keys.size - 1, 0))
    bad = np.flatnonzero(keys[at] != wanted) if keys.size else np.arange(wanted.size)
    assert bad.size == 0, f"{matched[bad[0]]}-{partner[bad[0]]} is matched but is not an edge"
    free = match < 0
    loose = np.flatnonzero(free[src] & free[indices])
    assert loose.size == 0, (
        f"not maximal: {loose.size // 2} edges join two unmatched vertices, "
        f"e.g. {src[loose[0]]}-{indices[loose[0]]}"
    )
