"""Average of an array (ParEval 27, reduce_average).

x is a 1-d float64 array; the answer is sum(x) / len(x).

Decisions:
- An empty array gives NaN: the average of nothing is undefined, and NaN is what ParEval's
  reference computes (0.0 / 0). The reference tests for it explicitly (numba, like Python, raises
  ZeroDivisionError on a float division by zero).
- The reference adds left to right into one accumulator, like ParEval's loop; a parallel kernel
  adds in another order, which the default comparison allows for (its tolerance grows with n).
- Inputs: uniform in [-50, 150) (ParEval: [0, 100)).
- Bench size: 7.5e7 values (600 MB) make the serial loop (one dependent addition per value) take
  about 62 ms. The pure-Python reference (about 0.2 us a value) would need about 15 s, past the
  profile's 10 s cap for it, so the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "reduce"
SIZES = {"check": 2000, "bench": 75_000_000}


def make_inputs(size, rng):
    return (rng.uniform(-50.0, 150.0, size),)


def reference(x):
    if x.shape[0] == 0:
        return np.nan
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i]
    return total / x.shape[0]
