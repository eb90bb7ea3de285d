"""Sparse matrix-vector product y = A x with A in CSR and power-law row lengths.

A is n x n with row i stored in ``values[indptr[i]:indptr[i + 1]]`` at columns
``indices[indptr[i]:indptr[i + 1]]``; x is dense. y[i] = sum over the row of values[k] * x[indices[k]].

Decisions:
- The sparsity pattern is a directed R-MAT graph (``graphs.rmat(symmetric=False)``, Graph500
  skew a = 0.57, b = c = 0.19, 8n edges drawn, ids permuted), so a few rows hold tens of
  thousands of entries and more than half are empty: the load imbalance a row-per-iteration
  loop meets on real matrices. Values and x are uniform in [-1, 1).
- Empty rows give 0; n = 0 gives an empty array.
- The default comparison (floating tolerance) applies: a kernel may split long rows and sum
  them in another order.
"""

import numpy as np

from parevo_lab.suite.graphs import rmat

CATEGORY = "sparse_la"
SIZES = {"check": 1000, "bench": 2_000_000}


def make_inputs(size, rng):
    indptr, indices = rmat(size, 8 * size, rng, 0.57, 0.19, 0.19, symmetric=False)
    values = rng.uniform(-1.0, 1.0, indices.shape[0])
    x = rng.uniform(-1.0, 1.0, size)
    return indptr, indices, values, x


def reference(indptr, indices, values, x):
    n = indptr.shape[0] - 1
    y = np.zeros(n)
    for i in range(n):
        s = 0.0
        for k in range(indptr[i], indptr[i + 1]):
            s += values[k] * x[indices[k]]
        y[i] = s
    return y
