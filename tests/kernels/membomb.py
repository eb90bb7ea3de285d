"""Allocates without end until the sandbox's memory limit stops it."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(x):
    chunks = [np.ones(1)]
    while len(chunks) > 0:
        chunks.append(np.ones(50_000_000))
    return x * 2.0
