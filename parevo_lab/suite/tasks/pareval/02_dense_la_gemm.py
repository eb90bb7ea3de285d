"""Dense matrix multiplication C = A B (ParEval 02, gemm).

A is M x K, B is K x N, C is M x N, all float64 and row-major. Store A B in C (C arrives filled
with zeros; the reference overwrites it without relying on that). Nothing is returned.

Decisions:
- size is the matrix side: M = K = N = size; size 0 gives empty matrices.
- Entries uniform in [-1, 1).
- The reference is the ikj loop order in plain loops (a row of B scaled into a row of C), the
  cache-friendly serial order; the naive ijk order would hand parallel kernels a speedup that
  is only a better loop order.
- Bench N is 768 (ParEval: 512), where the serial numba reference takes about 80 ms. The
  pure-Python reference does N^3 scalar updates and needs about 90 s there, past the profile's
  10 s cap for it, so the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "dense_la"
SIZES = {"check": 64, "bench": 768}


def make_inputs(size, rng):
    A = rng.uniform(-1.0, 1.0, (size, size))
    B = rng.uniform(-1.0, 1.0, (size, size))
    C = np.zeros((size, size))
    return A, B, C


def reference(A, B, C):
    m, k_dim = A.shape
    n = B.shape[1]
    for i in range(m):
        row = C[i]
        for j in range(n):
            row[j] = 0.0
        for k in range(k_dim):
            a = A[i, k]
            b_row = B[k]
            for j in range(n):
                row[j] += a * b_row[j]
