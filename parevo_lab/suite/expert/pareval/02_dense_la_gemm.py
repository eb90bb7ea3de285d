"""One row of C per parallel iteration, ikj order inside (the reference's loop order).

Iteration i writes only row i of C and reads A and B: no race.
"""

import numba


@numba.njit(parallel=True)
def kernel(A, B, C):
    m, k_dim = A.shape
    n = B.shape[1]
    for i in numba.prange(m):
        row = C[i]
        for j in range(n):
            row[j] = 0.0
        for k in range(k_dim):
            a = A[i, k]
            b_row = B[k]
            for j in range(n):
                row[j] += a * b_row[j]
