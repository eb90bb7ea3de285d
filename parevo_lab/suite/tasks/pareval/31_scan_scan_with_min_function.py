"""In-place prefix minimum of floats (ParEval 31, scan_scan_with_min_function).

Replace x[i] by min(x[0], ..., x[i]) for a float32 vector x (ParEval's `std::vector<float>`),
drawn uniformly from [-100, 100) as ParEval draws it. The kernel works in place and returns
nothing; an empty x stays empty. Minima are exact (a minimum is one of its inputs, with no
rounding), so every correct order of evaluation gives the same bits: TOLERANCE is zero, the
comparison is exact. ParEval's check allows 1e-3 absolute; the default float tolerance here
(which scales with the input's size) would let a kernel that returns a slightly different value
pass.

- Bench size: 1.12e8 values (448 MB) make the serial numba reference take about 62 ms. The
  pure-Python reference (roughly 0.15-0.2 us a value) would need an estimated 17-22 s there,
  past the profile's 10 s cap for it, so the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "scan"
SIZES = {"check": 1000, "bench": 112_000_000}
TOLERANCE = {"rtol": 0.0, "atol": 0.0}  # minima are exact


def make_inputs(size, rng):
    return (rng.uniform(-100.0, 100.0, size).astype(np.float32),)


def reference(x):
    if x.shape[0] == 0:
        return
    smallest = x[0]
    for i in range(1, x.shape[0]):
        if x[i] < smallest:
            smallest = x[i]
        x[i] = smallest
