"""A sum of squares with a while loop: the audit's mutants of it include one that never ends
(``i += 1`` becomes ``i = 1``), killed by the sandbox's timeout like any hanging candidate."""

import numpy as np

SIZES = {"check": 300, "bench": 3000}


def make_inputs(size, rng):
    return (rng.integers(-50, 50, size).astype(np.int64),)


def reference(x):
    total = 0
    i = 0
    while i < x.shape[0]:
        i += 1
        total += x[i - 1] * x[i - 1]
    return total
