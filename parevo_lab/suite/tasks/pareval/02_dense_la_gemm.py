"""Dense matrix multiplication C = A B (ParEval 02, gemm).

A is M x K, B is K x N, C is M x N, all float64 and row-major. Store A B in C (C arrives filled
with zeros; the reference overwrites it without relying on that). Nothing is returned.

Decisions:
- Shapes: M, K and N are size - size // 3, size and size + size // 2 + 1 in an order drawn from a
  generator seeded by a draw of rng and the size, so that it changes with the seed and the
  size: the matrices are rectangular (the three sides are never all equal, and M K N is about
  size^3), and which of M, K, N is smallest or largest varies. At the check size 64 the seeds
  0, 1, 2 give (M, K, N) = (43, 64, 97), (97, 43, 64), (64, 43, 97); the bench size 768 at seed
  0 gives (1153, 512, 768). Size 0 gives empty matrices (seed 0: M = 1 and K = N = 0, so C is
  1 x 0), size 1 at seed 0 a 1 x 2 times 2 x 1 product. ParEval's prompt allows any M, K, N,
  but its driver and its validation only ever use square matrices (512 timed, 1024 validated).
- Entries uniform in [-1, 1).
- The reference is the ikj loop order in plain loops (a row of B scaled into a row of C), the
  cache-friendly serial order; the naive ijk order would hand parallel kernels a speedup that
  is only a better loop order.
- Bench size 768 (ParEval: 512): M K N = 1153 x 512 x 768, the work of a 768^3 product, where
  the serial numba reference takes about 50-80 ms (as for the square product). The pure-Python
  reference does M K N scalar updates and needs about 90 s there, past the profile's 10 s cap
  for it, so the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "dense_la"
SIZES = {"check": 64, "bench": 768}


def make_inputs(size, rng):
    sides = (size - size // 3, size, size + size // 2 + 1)  # never all equal, product ~ size^3
    order = np.random.default_rng([int(rng.integers(2**32)), size]).permutation(3)
    m, k, n = (sides[i] for i in order)  # an order that depends on the size and the seed
    A = rng.uniform(-1.0, 1.0, (m, k))
    B = rng.uniform(-1.0, 1.0, (k, n))
    C = np.zeros((m, n))
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
