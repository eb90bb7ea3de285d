"""Row blocks of equal nonzero counts, one block per iteration.

The rows are cut into BLOCKS contiguous ranges holding about the same number of nonzeros (a
binary search of indptr for each cut), so the static schedule gives each thread the same work
however skewed the row lengths are; each row is summed in order, like the reference, and
written by the one block that owns it.
"""

import numba
import numpy as np

BLOCKS = 256


@numba.njit(parallel=True)
def kernel(indptr, indices, values, x):
    n = indptr.shape[0] - 1
    nnz = indptr[n]
    y = np.empty(n)
    cuts = np.empty(BLOCKS + 1, np.int64)
    for b in numba.prange(BLOCKS + 1):
        cuts[b] = np.searchsorted(indptr[:n], (nnz * b) // BLOCKS) if b < BLOCKS else n
    for b in numba.prange(BLOCKS):
        for i in range(cuts[b], cuts[b + 1]):
            s = 0.0
            for k in range(indptr[i], indptr[i + 1]):
                s += values[k] * x[indices[k]]
            y[i] = s
    return y
