"""Sparse LU: factor an N x N COO matrix as A = L U without pivoting (ParEval 49, sparse_lu_decomp).

Arguments: `rows`, `cols`, `values` (int64, int64, float64: the COO entries of A, sorted by
(row, col)) and `n`. Return (L, U), dense float64 arrays of shape (N, N) (row-major, as the
vector arguments L and U that ParEval's luFactorize fills): L unit lower triangular (ones on
the diagonal, zeros above), U upper triangular (zeros below), without pivoting; this
factorisation is unique.

Decisions:
- Duplicates: repeated (row, col) pairs are summed (ParEval's reference keeps the last one when
  it densifies; a COO matrix is the sum of its entries). Our inputs have duplicates (uniform
  draws at 10% density, plus the diagonal entries added below).
- Conditioning: ParEval's random matrices may have a zero pivot, and its reference does not
  pivot (its entries are uniform in [-10, 10) at random positions). Ours are strictly
  diagonally dominant by rows (off-diagonal entries uniform in [-1, 1); the diagonal sums to
  +-(1 to 2) x (1 + the row's sum of |off-diagonal|)), so elimination without pivoting exists
  and is stable.
- Reference: densify, then right-looking Gaussian elimination by rows (row updates that skip
  zero multipliers), keeping the multipliers as L. Same O(N^3) work as ParEval's Doolittle
  loops, in a cache-friendly order.
- Tolerance: L and U must match elementwise within 1e-9 x max(1, max |entry of the same
  matrix|).
- N = 0 gives two empty (0, 0) arrays.
- Sizes: ParEval uses N = 512. Numba runs the elimination about 600x faster than pure Python,
  so at any size where the serial reference takes 50 ms the pure-Python one takes about 30 s,
  past the profile's 10 s cap for it: the profile reports no vs_python for this task. The bench
  N = 800 (1.6 MB of COO entries; L and U are 10 MB) gives about 68 ms serial; the pure-Python
  reference (O(N^3), about 18 s at N = 608) would need about 41 s.
"""

import numpy as np

CATEGORY = "sparse_la"
SIZES = {"check": 160, "bench": 800}


def make_inputs(size, rng):
    n = size
    nnz = int(round(0.1 * n * n))
    rows = rng.integers(0, max(n, 1), nnz)
    cols = rng.integers(0, max(n, 1), nnz)
    values = rng.uniform(-1.0, 1.0, nnz)
    off = rows != cols
    radius = np.bincount(rows[off], np.abs(values[off]), minlength=n)
    drawn = np.bincount(rows[~off], values[~off], minlength=n)
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    diagonal = sign * rng.uniform(1.0, 2.0, n) * (1.0 + radius) - drawn
    rows = np.concatenate((rows, np.arange(n)))
    cols = np.concatenate((cols, np.arange(n)))
    values = np.concatenate((values, diagonal))
    order = np.lexsort((cols, rows))
    return rows[order], cols[order], values[order], n


def reference(rows, cols, values, n):
    a = np.zeros((n, n))
    for e in range(rows.shape[0]):
        a[rows[e], cols[e]] += values[e]
    lower = np.zeros((n, n))
    for k in range(n):
        lower[k, k] = 1.0
        pivot = a[k, k]
        for i in range(k + 1, n):
            factor = a[i, k] / pivot
            lower[i, k] = factor
            a[i, k] = 0.0
            if factor != 0.0:
                for j in range(k + 1, n):
                    a[i, j] -= factor * a[k, j]
    return lower, a


def check(expected, actual, args):
    if not isinstance(actual, tuple | list) or len(actual) != 2:
        raise AssertionError(f"expected a tuple (L, U), got {type(actual).__name__}")
    for name, exp, act in zip("LU", expected, actual, strict=True):
        act = np.asarray(act)
        tolerance = 1e-9 * max(1.0, float(np.max(np.abs(exp), initial=0.0)))
        if act.shape != exp.shape:
            raise AssertionError(f"{name}: expected shape {exp.shape}, got shape {act.shape}")
        if not np.all(np.isfinite(act)):
            raise AssertionError(f"{name}: {np.count_nonzero(~np.isfinite(act))} values not finite")
        if exp.size == 0:
            continue
        error = np.abs(act - exp)
        worst = np.unravel_index(int(np.argmax(error)), exp.shape)
        if error[worst] > tolerance:
            raise AssertionError(
                f"{name}: {np.count_nonzero(error > tolerance)} of {exp.size} values differ by "
                f"more than {tolerance:.1e}; worst at {tuple(int(i) for i in worst)}: "
                f"expected {exp[worst]:.17g}, got {act[worst]:.17g}"
            )
