"""Is `val` in exactly one of x and y: a task with ParEval 39's old weakness, kept for the audit's
tests. The class is drawn before anything size-dependent, so it depends on the seed alone, and
"both" is a rare class (a draw under 20 of 1000): no seed verification uses (0-23 at the edge
sizes, 0-2 at the check size, 1-2 at the large size) draws it, so OR instead of XOR passes
verification; seed 27, one of the audit's extra seeds (24-31), draws it and tells OR apart."""

import numpy as np

SIZES = {"check": 200, "bench": 2000}


def make_inputs(size, rng):
    val = 7
    draw = int(rng.integers(0, 1000))
    where = 3 if draw < 20 else 1 + draw % 2  # bit 0: in x, bit 1: in y
    x = rng.integers(8, 100, size).astype(np.int64)
    y = rng.integers(8, 100, size).astype(np.int64)
    if size and where & 1:
        x[rng.integers(0, size)] = val
    if size and where & 2:
        y[rng.integers(0, size)] = val
    return x, y, val


def reference(x, y, val):
    in_x = False
    for i in range(x.shape[0]):
        if x[i] == val:
            in_x = True
    in_y = False
    for i in range(y.shape[0]):
        if y[i] == val:
            in_y = True
    return in_x != in_y
