"""Dense matrix-vector product y = A x (ParEval 04, gemv).

A is an M x N float64 matrix (row-major), x a vector of N; store A x in the output vector y of M
(it arrives filled with zeros). Nothing is returned.

Decisions: size is the matrix side, M = N = size (0 gives an empty matrix and vectors); entries
uniform in [-1, 1). The reference is one dot product per row in plain loops. Bench N is 8192,
ParEval's size (A is 512 MiB): about 70 ms for the serial numba reference, while the pure-Python
reference needs about 12 s, past the profile's 10 s cap for it (no vs_python).
"""

import numpy as np

CATEGORY = "dense_la"
SIZES = {"check": 200, "bench": 8192}


def make_inputs(size, rng):
    A = rng.uniform(-1.0, 1.0, (size, size))
    x = rng.uniform(-1.0, 1.0, size)
    y = np.zeros(size)
    return A, x, y


def reference(A, x, y):
    m, n = A.shape
    for i in range(m):
        row = A[i]
        s = 0.0
        for j in range(n):
            s += row[j] * x[j]
        y[i] = s
