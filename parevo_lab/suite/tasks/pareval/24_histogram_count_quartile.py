"""Counts of values by the quarter their fractional part falls in (ParEval 24,
histogram_count_quartile).

x is a 1-d float64 array of non-negative values; the answer is an int64 array of 4 counts: how
many values have a fractional part x - floor(x) in [0, 0.25), [0.25, 0.5), [0.5, 0.75) and
[0.75, 1). ParEval fills an array<size_t, 4> argument `bins`; we return it.

Decisions:
- Values are non-negative, as in ParEval (uniform in [0, 100)), so x - floor(x) and ParEval's
  x - trunc(x) agree; negative values are outside the task.
- For x >= 0, x - floor(x) is exact in floating point, and so is its product by 4, so the bin is
  exactly int(4 * frac): the reference computes it that way, not with ParEval's chain of
  comparisons, which mispredicts on random fractions and ran about 10x slower serially here, a
  gap that has nothing to do with parallelism.
- Inputs: multiples of 2^-20 in [0, 100); one value in twenty has a fractional part of exactly 0,
  0.25, 0.5 or 0.75, so the bin edges are exercised (each edge opens its bin).
- Bench size: 6.6e7 values (528 MB) make the serial numba reference take about 62 ms. The
  pure-Python reference (about 0.9 us a value) would need about a minute, past the profile's
  10 s cap for it, so the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "histogram"
SIZES = {"check": 2000, "bench": 66_000_000}


def make_inputs(size, rng):
    x = rng.integers(0, 100 * 2**20, size) / 2**20
    edge = rng.random(size) < 0.05
    x[edge] = rng.integers(0, 100, int(edge.sum())) + rng.integers(0, 4, int(edge.sum())) / 4
    return (x,)


def reference(x):
    counts = np.zeros(4, np.int64)
    for i in range(x.shape[0]):
        v = x[i]
        counts[int((v - np.floor(v)) * 4.0)] += 1
    return counts
