"""Number of 2-D points in each quadrant (ParEval 22, histogram_count_quadrants).

The points are two 1-d float64 arrays x and y (struct-of-arrays for ParEval's vector<Point>); the
answer is an int64 array of 4 counts in the usual order: [x >= 0 and y >= 0, x < 0 and y >= 0,
x < 0 and y < 0, x >= 0 and y < 0] (quadrants I, II, III, IV). ParEval fills an
array<size_t, 4> argument `bins`; we return it.

Decisions:
- Points on an axis belong to the quadrant on the non-negative side, by the comparisons above
  (ParEval's reference does the same). -0.0 >= 0 is true, so -0.0 counts as non-negative: a
  kernel that tests the sign bit is wrong. Inputs put one point in fifty on an axis, with zeros
  of both signs.
- Inputs: normal around a centre drawn per input, so the four counts differ (ParEval: uniform
  in [-1, 1]^2).
- The reference finds the quadrant from two independent sign tests, not ParEval's chain of
  if/else over the four quadrants: on random points the chain mispredicts a branch about every
  other point and ran 6x slower serially here, a gap that has nothing to do with parallelism.
- Bench size: 6.8e7 points (1.09 GB) make the serial numba reference take about 59 ms. The
  pure-Python reference (about 0.5 us a point) would need about 34 s, past the profile's 10 s
  cap for it, so the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "histogram"
SIZES = {"check": 2000, "bench": 68_000_000}


def make_inputs(size, rng):
    centre = rng.uniform(-1.0, 1.0, 2)
    x = rng.normal(centre[0], 1.0, size)
    y = rng.normal(centre[1], 1.0, size)
    zeros = (-0.0, 0.0)
    on_x = rng.random(size) < 0.01
    on_y = rng.random(size) < 0.01
    x[on_y] = rng.choice(zeros, int(on_y.sum()))
    y[on_x] = rng.choice(zeros, int(on_x.sum()))
    return x, y


def reference(x, y):
    counts = np.zeros(4, np.int64)
    for i in range(x.shape[0]):
        quadrant = 0
        if x[i] < 0:
            quadrant = 1
        if y[i] < 0:
            quadrant = 3 - quadrant  # IV below I, III below II
        counts[quadrant] += 1
    return counts
