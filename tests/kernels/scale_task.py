"""Scale a vector: the smallest task a run can evolve."""

import numpy as np

SIZES = {"check": 200, "bench": 50_000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = 2.0 * x[i] + 1.0
    return out
