"""PageRank of a directed power-law graph, a fixed number of power iterations (GAP pr).

Start from rank 1/n everywhere and apply ``iterations`` times
    new[v] = (1 - damping) / n + damping * (dangling / n + sum over edges u -> v of rank[u] / outdeg(u))
where ``dangling`` is the total rank of the vertices without out-edges (their rank is spread
evenly, so the ranks keep summing to 1). The graph is directed CSR of out-edges (``indptr``
int64 of n + 1, ``indices`` int64, rows sorted, no self-loops or duplicates).

Decisions:
- A fixed iteration count (20) instead of a convergence test, so every kernel does the same
  work and the answer is defined without a tolerance on convergence.
- ``check`` accepts each rank within a relative 1e-9 (plus 1e-12 / n absolute) of the
  reference's: summing in another order (pull over in-edges, parallel partial sums) changes the
  last bits only.
- Input: a directed R-MAT graph (``graphs.rmat(symmetric=False)``, Graph500 skew a = 0.57,
  b = c = 0.19, 8n edges drawn, ids permuted): about half of the vertices have no out-edges.
- n = 0 gives an empty array.
- The reference pushes each vertex's share along its out-edges (no transpose needed serially).
"""

import numpy as np

from parevo_lab.suite.graphs import rmat

CATEGORY = "graph"
SIZES = {"check": 1000, "bench": 160_000}


def make_inputs(size, rng):
    indptr, indices = rmat(size, 8 * size, rng, 0.57, 0.19, 0.19, symmetric=False)
    return indptr, indices, 0.85, 20


def reference(indptr, indices, damping, iterations):
    n = indptr.shape[0] - 1
    if n == 0:
        return np.zeros(0)
    ranks = np.full(n, 1.0 / n)
    sums = np.empty(n)
    for _ in range(iterations):
        sums[:] = 0.0
        dangling = 0.0
        for u in range(n):
            degree = indptr[u + 1] - indptr[u]
            if degree == 0:
                dangling += ranks[u]
            else:
                share = ranks[u] / degree
                for j in range(indptr[u], indptr[u + 1]):
                    sums[indices[j]] += share
        base = (1.0 - damping) / n + damping * dangling / n
        for v in range(n):
            ranks[v] = base + damping * sums[v]
    return ranks


def check(expected, actual, args):
    n = expected.shape[0]
    assert isinstance(actual, np.ndarray), f"expected a float array, got {type(actual).__name__}"
    assert actual.shape == (n,), f"expected shape ({n},), got {actual.shape}"
    actual = actual.astype(np.float64)
    assert np.isfinite(actual).all(), "the ranks contain NaN or infinity"
    error = np.abs(actual - expected)
    bad = np.flatnonzero(error > 1e-9 * np.abs(expected) + 1e-12 / max(n, 1))
    if bad.size:
        worst = bad[np.argmax(error[bad])]
        raise AssertionError(
            f"{bad.size} of {n} ranks differ beyond tolerance; worst at vertex {worst}: "
            f"expected {expected[worst]:.17g}, got {actual[worst]:.17g}"
        )
