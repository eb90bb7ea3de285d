"""Sparse matrix-vector product y = alpha A x + beta y, A in COO (ParEval 47, spmv).

Arguments: `alpha`, the COO entries of the M x N matrix A (`rows`, `cols`, `values`: int64,
int64, float64, sorted by (row, col)), `x` (N float64), `beta`, `y` (M float64, updated in
place) and `m`, `n`. Return nothing: the result is y after the call.

Decisions:
- Duplicates: repeated (row, col) pairs are summed (a COO matrix is the sum of its entries);
  the entries are uniform random draws at 10% density, so inputs have some.
- M = N = size, as in ParEval's driver; alpha and beta are uniform in [-1, 1).
- Reference: the row starts come from binary searches in the sorted rows (so the row array is
  not streamed again), then each row's dot product with x, and y[i] = alpha * dot + beta * y[i].
  Work O(nnz + M log nnz).
- N = 0 gives an empty y.
- Sizes: ParEval uses N = 2048; the bench N = 17408 (30 million entries, 730 MB of COO arrays)
  gives the serial reference about 50 ms and the pure-Python reference about 7 s (quiet 2-core
  machine).
"""

import numpy as np

CATEGORY = "sparse_la"
SIZES = {"check": 128, "bench": 17408}


def make_inputs(size, rng):
    m = n = size
    nnz = int(round(0.1 * m * n))
    rows = rng.integers(0, max(m, 1), nnz)
    cols = rng.integers(0, max(n, 1), nnz)
    values = rng.uniform(-1.0, 1.0, nnz)
    order = np.lexsort((cols, rows))
    alpha, beta = rng.uniform(-1.0, 1.0, 2)
    x = rng.uniform(-1.0, 1.0, n)
    y = rng.uniform(-1.0, 1.0, m)
    return float(alpha), rows[order], cols[order], values[order], x, float(beta), y, m, n


def reference(alpha, rows, cols, values, x, beta, y, m, n):
    start = np.searchsorted(rows, np.arange(m + 1))
    for i in range(m):
        dot = 0.0
        for e in range(start[i], start[i + 1]):
            dot += values[e] * x[cols[e]]
        y[i] = alpha * dot + beta * y[i]
