"""Test task: out = 2 * x (float), small sizes so each check takes a second or two."""

import numpy as np

SIZES = {"check": 200, "bench": 20_000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = 2.0 * x[i]
    return out
