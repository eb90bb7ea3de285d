"""Inclusive prefix sum of doubles (ParEval 30, scan_prefix_sum).

output[i] = x[0] + x[1] + ... + x[i] for a float64 vector x drawn uniformly from [-100, 100), as
ParEval draws it. The kernel returns the output as a new array (ParEval writes into an output
vector it is given); x is not modified. An empty x gives an empty output.

A parallel scan adds in another order than the sequential loop. No TOLERANCE is set: the
default fits. In any scan whose intermediate values are sums of contiguous ranges of x
(sequential, chunked with offsets, Blelloch, Hillis-Steele), output i takes i additions, each
rounding by at most eps/2 times a range sum, and a range sum is at most 2 max|output| in
magnitude; so it is off by at most i eps max|output|, the reference (whose intermediates are
the outputs) by half that, and the two differ by at most 1.5 n eps max|output| when every
rounding goes the same way. The default atol, n eps max|output| (n input values), is two
thirds of that bound, plus its rtol term sqrt(eps)|output[i]|. Measured: chunked scans with 2
to 1024 chunks differ from the reference by at most 3e-12 at the check size and 6e-8 at the
bench size, 1e-4 of the tolerance or less. ParEval's check is 1e-6 absolute at its validation
size 2048; a fixed tolerance would not carry to 1.4e7 values, where the partial sums reach
2.4e5.

- Bench size: 1.4e7 values (112 MB, and as much again for the output) make the serial numba
  reference take about 63 ms (ParEval: 2^23). The pure-Python reference (roughly 0.25 us a
  value) takes an estimated 3-4 s there, under the profile's 10 s cap for it, so vs_python is
  measured.
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
