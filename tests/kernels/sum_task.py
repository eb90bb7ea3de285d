"""Test task: the sum of an array (a scalar reduction)."""

SIZES = {"check": 500, "bench": 50_000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i]
    return s
