import numba


@numba.njit(parallel=True)
def reduction(x):
    s = 0.0
    for i in numba.prange(x.shape[0]):
        s += x[i]
    return s


@numba.njit(parallel=True)
def last_value(x):
    """Assigns a scalar in the loop and returns it: numba warns (NumbaParallelSafetyWarning)."""
    s = 0.0
    last = 0.0
    for i in numba.prange(x.shape[0]):
        last = x[i]
        s += x[i]
    return s + 0.0 * last


@numba.njit(parallel=True, fastmath=True)
def fast_reduction(x):
    s = 0.0
    for i in numba.prange(x.shape[0]):
        s += x[i]
    return s
