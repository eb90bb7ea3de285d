"""Correct: one private histogram per chunk of the input, summed at the end."""

import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(pixels):
    n = pixels.shape[0]
    chunks = numba.get_num_threads()
    per_chunk = (n + chunks - 1) // chunks
    private = np.zeros((chunks, 256), np.int64)
    for c in numba.prange(chunks):
        start = c * per_chunk
        stop = min(start + per_chunk, n)
        for i in range(start, stop):
            private[c, pixels[i]] += 1
    counts = np.zeros(256, np.int64)
    for c in range(chunks):
        counts += private[c]
    return counts
