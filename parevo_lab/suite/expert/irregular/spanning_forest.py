"""Multistep: the BFS tree of a vertex of largest degree (re-rooted at its component's smallest
id), then min-label propagation for the vertices it did not reach: the library's
``primitives.spanning_forest``.
"""

import numba

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(indptr, indices):
    return P.spanning_forest(indptr, indices)
