"""Sort records by start time: stable parallel radix sort of the keys, then parallel gathers.

The start times, shifted by their minimum so that they are non-negative, go through the
library's stable LSD radix sort (passes above the keys' bit length are skipped: start times in
[0, 100] take one pass); its permutation gathers the three fields. Being stable, it keeps
records with equal start times in input order, as the reference does.
"""

import numba
import numpy as np

from parevo_lab import primitives as P


@numba.njit(parallel=True)
def kernel(start_time, duration, value):
    n = start_time.shape[0]
    if n == 0:
        return start_time.copy(), duration.copy(), value.copy()
    lowest = np.int64(start_time[0])
    for i in numba.prange(n):
        lowest = min(lowest, np.int64(start_time[i]))
    keys = np.empty(n, np.int64)
    for i in numba.prange(n):
        keys[i] = np.int64(start_time[i]) - lowest
    _, order = P.radix_sort(keys)
    sorted_start = np.empty(n, start_time.dtype)
    sorted_duration = np.empty(n, duration.dtype)
    sorted_value = np.empty(n, value.dtype)
    for i in numba.prange(n):
        j = order[i]
        sorted_start[i] = start_time[j]
        sorted_duration[i] = duration[j]
        sorted_value[i] = value[j]
    return sorted_start, sorted_duration, sorted_value
