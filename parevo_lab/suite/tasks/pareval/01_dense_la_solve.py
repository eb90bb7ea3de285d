"""Solve a dense linear system A x = b (ParEval 01, solve).

A is an N x N float64 matrix (row-major), b a vector of N. Store the solution of A x = b in the
output vector x (it arrives filled with zeros); A and b must be left unchanged.

Decisions:
- make_inputs builds a well-conditioned A: off-diagonal entries uniform in [-1, 1), diagonal
  N + 1, so A is strictly diagonally dominant and its condition number stays close to 1. Any
  stable method (elimination with or without pivoting, LU, even an iteration run to convergence)
  then gives x to about 1e-14 relative error.
- The check is tolerance-based: the default comparison accepts x within a relative 1.5e-8 (plus
  a small absolute term), far looser than the rounding error on such a matrix, and it also
  compares A and b after the call with the originals, so a kernel that eliminates in place in A
  or b fails.
- The reference is Gaussian elimination with partial pivoting on copies of A and b, then back
  substitution, in plain loops (ParEval's reference is also elimination). On these inputs the
  pivot search never swaps rows.
- size is N; size 0 gives an empty system and an empty x.
- Bench N is 768 (ParEval: 1024), where the serial numba reference takes about 60 ms. The
  pure-Python reference does N^3/3 scalar updates and needs about 30 s there, past the profile's
  10 s cap for it, so the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "dense_la"
SIZES = {"check": 64, "bench": 768}


def make_inputs(size, rng):
    A = rng.uniform(-1.0, 1.0, (size, size))
    for i in range(size):
        A[i, i] = size + 1.0
    b = rng.uniform(-1.0, 1.0, size)
    x = np.zeros(size)
    return A, b, x


def reference(A, b, x):
    n = A.shape[0]
    M = A.copy()
    y = b.copy()
    for k in range(n):
        p = k
        for i in range(k + 1, n):
            if abs(M[i, k]) > abs(M[p, k]):
                p = i
        if p != k:
            for j in range(k, n):
                M[k, j], M[p, j] = M[p, j], M[k, j]
            y[k], y[p] = y[p], y[k]
        pivot_row = M[k]
        for i in range(k + 1, n):
            row = M[i]
            factor = row[k] / pivot_row[k]
            for j in range(k + 1, n):
                row[j] -= factor * pivot_row[j]
            y[i] -= factor * y[k]
    for i in range(n - 1, -1, -1):
        row = M[i]
        s = y[i]
        for j in range(i + 1, n):
            s -= row[j] * x[j]
        x[i] = s / row[i]
