"""Multistep: a BFS from a vertex of largest degree labels its component at once, then min-label
propagation with pointer jumping for the rest: the library's ``primitives.connected_components``.
"""

import numba

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(indptr, indices):
    return P.connected_components(indptr, indices)
