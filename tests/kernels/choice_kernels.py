import numba
import numpy as np


@numba.njit(parallel=True)
def any_maximum(x):
    """Returns the *last* index of a maximum: a different answer, equally valid."""
    n = x.shape[0]
    if n == 0:
        return 0
    top = np.max(x)
    best = 0
    for i in numba.prange(n):
        if x[i] == top:
            best = max(best, i)
    return best


@numba.njit(parallel=True)
def first_minimum(x):
    n = x.shape[0]
    if n == 0:
        return 0
    return np.argmin(x)
