import numba


@numba.njit(parallel=True)
def kernel(x):
    s = 0.0
    for i in numba.prange(x.shape[0]):
        s += 2.0 * x[i]
    return s
