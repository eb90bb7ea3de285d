"""Solve A x = b for a sparse N x N matrix A given in COO form (ParEval 45, sparse_solve).

Arguments: `rows`, `cols`, `values` (int64, int64, float64 arrays of equal length: the COO
entries of A, sorted by (row, col)), the dense right-hand side `b` (float64, N values) and `n`.
Return the dense solution x (float64, N values; ParEval's solveLinearSystem fills a vector
argument `x`).

Decisions:
- Duplicates: ParEval's COO inputs contain repeated (row, col) pairs (its entries are uniform
  random draws). Its input generator sums them when it builds b, but its reference keeps only
  the last one when it densifies A, so the reference solves a different system than the one b
  came from. We define A as the sum of all entries with the same (row, col); our inputs have
  duplicates (uniform draws at 10% density, plus the diagonal entries added below).
- Conditioning: ParEval's random matrices may be singular, and its reference needs partial
  pivoting. Ours are strictly diagonally dominant by rows: off-diagonal entries are uniform in
  [-1, 1) at about 10% density, and a diagonal entry is added whose sum with any diagonal entry
  already drawn is +-(1 to 2) x (1 + the row's sum of |off-diagonal|). Elimination without
  pivoting is then stable, and the system is well conditioned. b = A x_true with x_true uniform
  in [-10, 10].
- Reference: A is densified and solved by Gaussian elimination without pivoting (row updates
  that skip zero multipliers) and back substitution. At 10% random density the fill-in makes
  any direct factorisation dense after a few steps, so this is the good serial direct method;
  an iterative method (Jacobi, CG) is a different algorithm and may beat it by an algorithmic
  factor that is not parallelism.
- Tolerance: max |x - x_ref| <= 1e-8 * max(1, max |x_ref|); any method that accurate passes.
- N = 0 gives an empty x.
- Sizes: ParEval uses N = 1024. Numba runs the elimination about 550x faster than pure Python,
  so at any size where the serial reference takes 50 ms the pure-Python one takes over 25 s,
  past the profile's 10 s cap for it: the profile reports no vs_python for this task. The bench
  N = 784 (1.5 MB of COO entries, a 4.9 MB dense matrix in the reference) gives about 64 ms
  serial; the pure-Python reference (O(N^3), about 17 s at N = 608) would need about 36 s.
"""

import numpy as np

CATEGORY = "sparse_la"
SIZES = {"check": 160, "bench": 784}


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
    rows, cols, values = rows[order], cols[order], values[order]
    x_true = rng.uniform(-10.0, 10.0, n)
    b = np.bincount(rows, values * x_true[cols], minlength=n)
    return rows, cols, values, b, n


def reference(rows, cols, values, b, n):
    a = np.zeros((n, n))
    for e in range(rows.shape[0]):
        a[rows[e], cols[e]] += values[e]
    y = b.copy()
    for k in range(n):
        pivot = a[k, k]
        for i in range(k + 1, n):
            factor = a[i, k] / pivot
            if factor != 0.0:
                for j in range(k + 1, n):
                    a[i, j] -= factor * a[k, j]
                y[i] -= factor * y[k]
    x = np.zeros(n)
    for i in range(n - 1, -1, -1):
        s = y[i]
        for j in range(i + 1, n):
            s -= a[i, j] * x[j]
        x[i] = s / a[i, i]
    return x


def check(expected, actual, args):
    actual = np.asarray(actual)
    if actual.shape != expected.shape:
        raise AssertionError(f"x: expected shape {expected.shape}, got shape {actual.shape}")
    if not np.all(np.isfinite(actual)):
        raise AssertionError(f"x: {np.count_nonzero(~np.isfinite(actual))} values are not finite")
    if expected.size == 0:
        return
    error = np.abs(actual - expected)
    tolerance = 1e-8 * max(1.0, float(np.max(np.abs(expected))))
    worst = int(np.argmax(error))
    if error[worst] > tolerance:
        raise AssertionError(
            f"x: {np.count_nonzero(error > tolerance)} of {expected.size} values differ by more "
            f"than {tolerance:.1e}; worst at index {worst}: expected {expected[worst]:.17g}, "
            f"got {actual[worst]:.17g}"
        )
