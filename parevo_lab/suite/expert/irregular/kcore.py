"""Parallel peeling by levels (Julienne-style bucketing without atomics): the library's
``primitives.core_numbers``, whose docstring gives the method (each level's peeled vertices
subtract from their live neighbours' degrees by sorted runs, or by per-vertex counts when many
are hit; small sub-rounds peeled by one thread).
"""

import numba

from parevo_lab import primitives as P


@numba.njit
def kernel(indptr, indices):
    return P.core_numbers(indptr, indices)
