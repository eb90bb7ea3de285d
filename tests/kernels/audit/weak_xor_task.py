"""Is `val` in exactly one of x and y: a task with ParEval 39's old weakness, kept for the audit's
tests. The class (x only, y only, both, neither) is drawn before anything size-dependent, so the
verifier's seeds (0-2 at the check size, 0-5 at the edge sizes) give only "x only" and "y only",
never "both": OR passes verification. Seeds 7, 11, 12 and 13 give "both", so the audit's extra
inputs (seeds 6-13) tell OR apart."""

import numpy as np

SIZES = {"check": 200, "bench": 2000}


def make_inputs(size, rng):
    val = 7
    draw = int(rng.integers(0, 8))
    where = 3 if draw in (1, 4, 7) else 1 + draw % 2  # bit 0: in x, bit 1: in y
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
