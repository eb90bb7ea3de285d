import numba


@numba.njit(parallel=True)
def right(x, out):
    for i in numba.prange(x.shape[0]):
        out[i] = x[i] + (x[i - 1] if i > 0 else 0.0)


@numba.njit(parallel=True)
def forgets_first(x, out):
    for i in numba.prange(1, x.shape[0]):
        out[i] = x[i] + x[i - 1]
    if x.shape[0] > 200:
        out[0] = 0.5
