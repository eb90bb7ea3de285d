"""Level-synchronous breadth-first search from source, stopping at the level that reaches dest:
the library's ``hop_distance``.

Each level takes the cheaper direction on the dense matrix: top-down reads the rows of the
frontier (ORed per chunk of 512 columns, each chunk marking its own unvisited vertices),
bottom-up (when the frontier outnumbers the unvisited vertices; A is symmetric) lets every
unvisited vertex scan its own row until it meets a frontier vertex. Small levels run serially,
as a parallel region costs more than they do.
"""

import numba

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(A, source, dest):
    return P.hop_distance(A, source, dest, True)
