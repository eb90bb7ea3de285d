"""Sparse axpy into a dense vector: z += alpha x + y, x and y sparse (ParEval 48, sparse_axpy).

Arguments: `alpha`, the sparse vector x as `x_index` (int64, sorted) and `x_value` (float64),
the sparse vector y as `y_index` and `y_value`, and the dense float64 vector `z` of length N,
updated in place. Return nothing: the result is z after the call.

Decisions:
- Accumulate: ParEval's prompt says "compute z = alpha*x + y, store the result in z", but its
  reference adds into z (z[i] += ...) and its driver zeroes z first, so both readings agree
  there. We take the reference's meaning, z += alpha x + y, and our z starts with values
  uniform in [-1, 1] so that it matters.
- Duplicates: as in ParEval's driver, the indices are uniform random draws (10% of N per
  vector) sorted ascending, so an index may repeat; every entry is added (duplicates sum).
- Reference: one merge of the two sorted index lists (like ParEval's), so z is swept once;
  at equal indices the entries of x are added before those of y. Work O(nnz).
- N = 0 gives empty vectors.
- Sizes: ParEval uses N = 2^21; the bench N = 3 x 2^24 (z is 384 MiB, 5 million entries per
  sparse vector) gives the serial reference about 55 ms and the pure-Python reference about 4 s
  (quiet 2-core machine).
"""

import numpy as np

CATEGORY = "sparse_la"
SIZES = {"check": 2000, "bench": 50331648}


def make_inputs(size, rng):
    nnz = int(round(0.1 * size))
    x_index = np.sort(rng.integers(0, max(size, 1), nnz))
    y_index = np.sort(rng.integers(0, max(size, 1), nnz))
    x_value = rng.uniform(-1.0, 1.0, nnz)
    y_value = rng.uniform(-1.0, 1.0, nnz)
    z = rng.uniform(-1.0, 1.0, size)
    alpha = float(rng.uniform(-1.0, 1.0))
    return alpha, x_index, x_value, y_index, y_value, z


def reference(alpha, x_index, x_value, y_index, y_value, z):
    nx = x_index.shape[0]
    ny = y_index.shape[0]
    i = 0
    j = 0
    while i < nx or j < ny:
        if j == ny or (i < nx and x_index[i] <= y_index[j]):
            z[x_index[i]] += alpha * x_value[i]
            i += 1
        else:
            z[y_index[j]] += y_value[j]
            j += 1
