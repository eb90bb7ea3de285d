"""The serial greedy on two contiguous blocks of ids in parallel, then locally dominant edges for
the vertices left with an unmatched neighbour: the library's ``primitives.maximal_matching``.
"""

import numba

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(indptr, indices):
    return P.maximal_matching(indptr, indices, 0)
