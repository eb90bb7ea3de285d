"""The prange loops live in same-file helpers: one the kernel calls with parallel=True, one
compiled serially, one never called."""

import numba
import numpy as np


@numba.njit(parallel=True)
def _double_into(x, out):
    for i in numba.prange(x.shape[0]):
        out[i] = 2.0 * x[i]


@numba.njit
def _serial_copy(out):
    for i in numba.prange(out.shape[0]):
        out[i] = out[i]


@numba.njit(parallel=True)
def _unused(x):
    for i in numba.prange(x.shape[0]):
        x[i] = 0.0


@numba.njit(parallel=True)
def kernel(x):
    out = np.empty_like(x)
    _double_into(x, out)
    _serial_copy(out)
    return out
