"""The serial greedy on two contiguous blocks of ids in parallel, repaired where the blocks meet,
then Luby rounds for what is left: the library's ``primitives.maximal_independent_set``.
"""

import numba

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(indptr, indices):
    return P.maximal_independent_set(indptr, indices, 0)
