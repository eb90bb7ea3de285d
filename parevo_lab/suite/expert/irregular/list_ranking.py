"""Sparse ruling set (Reid-Miller; Helman and JaJa): the library's ``primitives.list_rank``,
whose docstring gives the method (sublists walked in lockstep groups, rulers ranked serially).
"""

import numba

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(next):
    return P.list_rank(next)
