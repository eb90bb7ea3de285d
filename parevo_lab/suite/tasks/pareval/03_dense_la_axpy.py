"""z = alpha x + y (ParEval 03, axpy).

alpha is a float, x and y are float64 vectors of the same length; store alpha * x[i] + y[i] in
the output vector z (it arrives filled with zeros). Nothing is returned.

Decisions: size is the vector length (0 gives empty vectors); x and y uniform in [-1, 1), alpha
uniform in [-2, 2). Bench length 7.2e7 (ParEval: 2^24), 1.7 GB of vectors (x, y and z): the
kernel is bandwidth-bound, so only inputs this large keep the serial numba reference over the
suite's 50 ms floor (about 64 ms here). The pure-Python reference (roughly 0.25 us an element)
would need about 18 s, past the profile's 10 s cap for it, so the profile reports no vs_python.
"""

import numpy as np

CATEGORY = "dense_la"
SIZES = {"check": 1000, "bench": 72_000_000}


def make_inputs(size, rng):
    alpha = float(rng.uniform(-2.0, 2.0))
    x = rng.uniform(-1.0, 1.0, size)
    y = rng.uniform(-1.0, 1.0, size)
    z = np.zeros(size)
    return alpha, x, y, z


def reference(alpha, x, y, z):
    for i in range(x.shape[0]):
        z[i] = alpha * x[i] + y[i]
