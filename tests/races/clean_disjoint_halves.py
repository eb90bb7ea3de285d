"""One buffer split inside the kernel: hi = buf[h:], lo = buf[:h]; hi[i] = 2 * lo[i] + 1 in place.

Not a race although one buffer is read and written: in `hi[i] = 2.0 * lo[i] + 1.0` the read
half `lo = buf[:h]` and the written half `hi = buf[h:]` are disjoint (h = n // 2).
"""

import numba
import numpy as np

EXPECT = "clean"
SIZES = {"check": 1001, "bench": 20000}


def make_inputs(size, rng):
    return (rng.random(size, dtype=np.float64),)


def reference(buf):
    h = buf.shape[0] // 2
    lo = buf[:h]
    hi = buf[h:]
    for i in range(h):
        hi[i] = 2.0 * lo[i] + 1.0


@numba.njit(parallel=True)
def kernel(buf):
    h = buf.shape[0] // 2
    lo = buf[:h]
    hi = buf[h:]
    for i in numba.prange(h):
        hi[i] = 2.0 * lo[i] + 1.0
