"""Inclusive prefix sum with the library's blocked two-pass scan.

Each block sums its slice, the block sums are scanned serially, then each block rescans its slice
from its carry: two reads and one write of x instead of one read and one write, so on a
bandwidth-bound machine the gain at 2 threads is modest.
"""

import numba

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(x):
    return P.inclusive_scan(x)
