"""A reference numba cannot compile (it builds a Python dict of objects): Python is the baseline."""

import numpy as np

SIZES = {"check": 200, "bench": 5_000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    table = {"scale": object()}
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = 2.0 * x[i] if table else 0.0
    return out
