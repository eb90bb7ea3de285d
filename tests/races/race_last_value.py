"""Returns the value the "last" iteration assigned to a shared scalar: `last = x[i]` in the loop.

Race on the scalar `last` (line `last = x[i]`, read after the loop by `return s, last`): which
iteration writes it last depends on the threads (numba's NumbaParallelSafetyWarning).
"""

import numba

EXPECT = "race"
SIZES = {"check": 500, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(max(size, 1)),)


def reference(x):
    s = 0.0
    last = 0.0
    for i in range(x.shape[0]):
        s += x[i]
        last = x[i]
    return s, last


@numba.njit(parallel=True)
def kernel(x):
    s = 0.0
    last = 0.0
    for i in numba.prange(x.shape[0]):
        s += x[i]
        last = x[i]
    return s, last
