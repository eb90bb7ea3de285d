"""Bucketed label-correcting SSSP (delta-stepping without the light/heavy split, as in GAP):
the library's ``primitives.shortest_paths``, whose docstring gives the method and its cost.
"""

import numba

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(indptr, indices, weights, source):
    return P.shortest_paths(indptr, indices, weights, source)
