"""Two arguments that are overlapping views of one buffer: a = buf[0:n], b = buf[1:n+1]; b[i] = a[i]/2 + 1.

Race on the shared buffer: iteration i writes b[i] (= buf[i+1]) at `b[i] = 0.5 * a[i] + 1.0`
and iteration i+1 reads the same element as a[i+1] on that line. Needs the aliasing kept: an
independent deepcopy of each argument separates the views and hides the race.
"""

import numba
import numpy as np

EXPECT = "race"
SIZES = {"check": 1000, "bench": 20000}


def make_inputs(size, rng):
    buf = rng.random(size + 1, dtype=np.float64)
    return buf[0:size], buf[1 : size + 1]


def reference(a, b):
    for i in range(a.shape[0]):
        b[i] = 0.5 * a[i] + 1.0


@numba.njit(parallel=True)
def kernel(a, b):
    for i in numba.prange(a.shape[0]):
        b[i] = 0.5 * a[i] + 1.0
