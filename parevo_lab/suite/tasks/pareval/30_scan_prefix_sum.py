"""Inclusive prefix sum of doubles (ParEval 30, scan_prefix_sum).

output[i] = x[0] + x[1] + ... + x[i] for a float64 vector x drawn uniformly from [-100, 100), as
ParEval draws it. The kernel returns the output as a new array (ParEval writes into an output
vector it is given); x is not modified. An empty x gives an empty output.

A parallel scan adds in another order than the sequential loop: the default comparison's float
tolerance (scaled by the length and the largest partial sum) absorbs the rounding differences.

- Bench size: 1.4e7 values (112 MB, and as much again for the output) make the serial numba
  reference take about 63 ms. The pure-Python reference (roughly 0.25 us a value) takes an
  estimated 3-4 s there, under the profile's 10 s cap for it, so vs_python is measured.
"""

import numpy as np

CATEGORY = "scan"
SIZES = {"check": 1000, "bench": 14_000_000}


def make_inputs(size, rng):
    return (rng.uniform(-100.0, 100.0, size),)


def reference(x):
    output = np.empty(x.shape[0], np.float64)
    total = 0.0
    for i in range(x.shape[0]):
        total += x[i]
        output[i] = total
    return output
