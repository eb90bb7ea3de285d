"""Dense matrix-vector product y = A x (ParEval 04, gemv).

A is an M x N float64 matrix (row-major), x a vector of N; store A x in the output vector y of M
(it arrives filled with zeros). Nothing is returned.

Decisions:
- Shapes: M and N are size - size // 3 and size + size // 2 + 1 in an order drawn from a
  generator seeded by a draw of rng and the size, so that A is wide at some seeds and sizes and
  tall at others, never square, with M N about size^2. At the check size 200 the seeds 0, 1, 2
  give 134 x 301, 301 x 134, 301 x 134; the bench size 8192 at seed 0 gives 5462 x 12289. Size 0
  gives an empty A and x with M = 0 or N = 0 (seed 0: 0 x 1, so y is empty; with N = 0 y is all
  zeros). ParEval's prompt allows any M, N, but its driver and its validation only ever use
  square matrices (8192 timed, 1024 validated).
- Entries uniform in [-1, 1) (ParEval: [-10, 10)). The reference is one dot product per row in
  plain loops.
- Bench size 8192, ParEval's (A is 512 MiB, as for ParEval's square matrix): about 45-70 ms for
  the serial numba reference, while the pure-Python reference needs about 12 s, past the
  profile's 10 s cap for it (no vs_python).
"""

import numpy as np

CATEGORY = "dense_la"
SIZES = {"check": 200, "bench": 8192}


def make_inputs(size, rng):
    sides = (size - size // 3, size + size // 2 + 1)  # never equal, product ~ size^2
    order = np.random.default_rng([int(rng.integers(2**32)), size]).permutation(2)
    m, n = (sides[i] for i in order)  # wide or tall, depending on the size and the seed
    A = rng.uniform(-1.0, 1.0, (m, n))
    x = rng.uniform(-1.0, 1.0, n)
    y = np.zeros(m)
    return A, x, y


def reference(A, x, y):
    m, n = A.shape
    for i in range(m):
        row = A[i]
        s = 0.0
        for j in range(n):
            s += row[j] * x[j]
        y[i] = s
