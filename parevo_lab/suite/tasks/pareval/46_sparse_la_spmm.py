"""Sparse times sparse into dense: Y = A X with A (M x K) and X (K x N) in COO (ParEval 46, spmm).

Arguments: the COO entries of A (`a_rows`, `a_cols`, `a_values`) and of X (`x_rows`, `x_cols`,
`x_values`), each sorted by (row, col) (int64 indices, float64 values), then `m`, `k`, `n`.
Return Y as a dense float64 array of shape (M, N) (row-major, as ParEval's Y, which its spmm
fills as a vector argument).

Decisions:
- Duplicates: repeated (row, col) pairs in A or X are summed (the entries are uniform random
  draws at 10% density, so inputs have some); every entry contributes its own products.
- Shapes follow ParEval's driver: M = size, K = ceil(size / 4), N = ceil(size / 2).
- Reference: not ParEval's loop over all nnz(A) x nnz(X) pairs (which tests a.col == x.row for
  every pair). Ours builds the row offsets of X (CSR, X being sorted by row) and, for each entry
  A[i, c], adds its products with row c of X into row i of Y (Gustavson's row-wise algorithm):
  work nnz(A) x nnz(X) / K instead of nnz(A) x nnz(X).
- Empty shapes give an empty (or all-zero) Y of shape (M, N).
- Sizes: ParEval uses M = 256; the bench M = 3328 (about 4.6 x 10^7 multiply-adds) gives the
  serial reference about 75 ms and the pure-Python reference about 17 s (quiet 2-core
  machine).
"""

import numpy as np

CATEGORY = "sparse_la"
SIZES = {"check": 128, "bench": 3328}


def _coo(rows, cols, rng):
    nnz = int(round(0.1 * rows * cols))
    r = rng.integers(0, max(rows, 1), nnz)
    c = rng.integers(0, max(cols, 1), nnz)
    v = rng.uniform(-1.0, 1.0, nnz)
    order = np.lexsort((c, r))
    return r[order], c[order], v[order]


def make_inputs(size, rng):
    m, k, n = size, (size + 3) // 4, (size + 1) // 2
    return (*_coo(m, k, rng), *_coo(k, n, rng), m, k, n)


def reference(a_rows, a_cols, a_values, x_rows, x_cols, x_values, m, k, n):
    x_start = np.zeros(k + 1, np.int64)
    for e in range(x_rows.shape[0]):
        x_start[x_rows[e] + 1] += 1
    for r in range(k):
        x_start[r + 1] += x_start[r]
    y = np.zeros((m, n))
    for e in range(a_rows.shape[0]):
        i = a_rows[e]
        c = a_cols[e]
        v = a_values[e]
        for p in range(x_start[c], x_start[c + 1]):
            y[i, x_cols[p]] += v * x_values[p]
    return y
