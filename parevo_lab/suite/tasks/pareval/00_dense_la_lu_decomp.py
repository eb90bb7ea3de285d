"""LU factorisation in place, without pivoting (ParEval 00, lu_decomp).

A is an N x N float64 matrix, row-major. Factor A = L U (L unit lower triangular, U upper
triangular) and overwrite A with both factors: U on and above the diagonal, the multipliers of L
below it (L's unit diagonal is not stored). Nothing is returned.

Decisions:
- Without pivoting, elimination breaks down or loses all accuracy on a general matrix, so
  make_inputs builds a strictly diagonally dominant one (off-diagonal entries uniform in [-1, 1),
  diagonal N + 1; ParEval: uniform in [-10, 10), not dominant). Every pivot is then nonzero
  and the factors stay bounded, so any correct elimination order agrees with the reference
  within the default float tolerance.
- size is N, the matrix side; size 0 gives a 0 x 0 matrix (nothing to do).
- The reference is right-looking (kij) elimination in plain loops, along contiguous rows.
- Bench N is 768 (ParEval: 1024), where the serial numba reference takes about 60 ms. The
  pure-Python reference does N^3/3 scalar updates and needs about 30 s there, past the profile's
  10 s cap for it, so the profile reports no vs_python for this task.
"""

CATEGORY = "dense_la"
SIZES = {"check": 64, "bench": 768}


def make_inputs(size, rng):
    A = rng.uniform(-1.0, 1.0, (size, size))
    for i in range(size):
        A[i, i] = size + 1.0
    return (A,)


def reference(A):
    n = A.shape[0]
    for k in range(n):
        pivot_row = A[k]
        for i in range(k + 1, n):
            row = A[i]
            factor = row[k] / pivot_row[k]
            row[k] = factor
            for j in range(k + 1, n):
                row[j] -= factor * pivot_row[j]
