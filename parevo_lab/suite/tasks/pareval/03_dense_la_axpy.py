"""z = alpha x + y (ParEval 03, axpy).

alpha is a float, x and y are float64 vectors of the same length; store alpha * x[i] + y[i] in
the output vector z (it arrives filled with zeros). Nothing is returned.

Decisions: size is the vector length (0 gives empty vectors); x and y uniform in [-1, 1), alpha
uniform in [-2, 2). Bench length 2^25 (ParEval: 2^24), 768 MiB of vectors: the kernel is
bandwidth-bound and the serial numba reference takes only about 30 ms on a quiet machine, below
the suite's 50 ms floor, which it would pass only with inputs well over 1 GB.
"""

import numpy as np

CATEGORY = "dense_la"
SIZES = {"check": 1000, "bench": 33554432}


def make_inputs(size, rng):
    alpha = float(rng.uniform(-2.0, 2.0))
    x = rng.uniform(-1.0, 1.0, size)
    y = rng.uniform(-1.0, 1.0, size)
    z = np.zeros(size)
    return alpha, x, y, z


def reference(alpha, x, y, z):
    for i in range(x.shape[0]):
        z[i] = alpha * x[i] + y[i]
