"""One step of the 3-point 1-D Jacobi stencil (ParEval 52, 1d_jacobi_3-point_stencil).

Argument: `values`, a float64 array of N values. Return a new float64 array with
out[i] = (values[i-1] + values[i] + values[i+1]) / 3.

Decisions:
- Border: values outside the array count as 0 (zero padding, as ParEval states); the sum is
  taken left + centre + right, then divided by 3.
- Output: ParEval writes into a caller-provided output vector; we return a new array.
- Values are uniform in [-100, 100). N = 0 gives an empty array.
- Sizes: ParEval's N = 2^24 gives the serial reference about 80 ms and the pure-Python
  reference about 6 s (quiet 2-core machine).
"""

import numpy as np

CATEGORY = "stencil"
SIZES = {"check": 2000, "bench": 16777216}


def make_inputs(size, rng):
    return (rng.uniform(-100.0, 100.0, size),)


def reference(values):
    n = values.shape[0]
    out = np.empty(n)
    for i in range(n):
        left = values[i - 1] if i > 0 else 0.0
        right = values[i + 1] if i < n - 1 else 0.0
        out[i] = (left + values[i] + right) / 3.0
    return out
