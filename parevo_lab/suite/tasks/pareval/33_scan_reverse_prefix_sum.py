"""Reverse prefix sum of integers (ParEval 33, scan_reverse_prefix_sum).

output[i] = x[n-1] + x[n-2] + ... + x[n-1-i]: the inclusive prefix sum of x read backwards
(ParEval's example: [1, 7, 4, 6, 6, 2] -> [2, 8, 14, 18, 25, 26]). x is int64 with values
uniform in [-100, 100] (ParEval's fillRand(x, -100, 100) draws -100 to 99; int64 instead of
C's int, so no overflow question arises). The kernel returns the output as a new int64 array
(ParEval writes into an output vector it is given); x is not modified. An empty x gives an
empty output.

- Bench size: 1.4e7 values (112 MB, and as much again for the output) make the serial numba
  reference take about 63 ms. The pure-Python reference (roughly 0.25-0.3 us a value) takes an
  estimated 3.5-4 s there, under the profile's 10 s cap for it, so vs_python is measured.
"""

import numpy as np

CATEGORY = "scan"
SIZES = {"check": 1000, "bench": 14_000_000}


def make_inputs(size, rng):
    return (rng.integers(-100, 101, size),)


def reference(x):
    n = x.shape[0]
    output = np.empty(n, np.int64)
    total = 0
    for i in range(n):
        total += x[n - 1 - i]
        output[i] = total
    return output
