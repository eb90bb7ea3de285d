"""Index of the value closest to pi (ParEval 37, search_find_the_closest_number_to_pi).

Return the index i that minimises |x[i] - pi| (pi = math.pi, C's M_PI) over a float64 vector x
drawn uniformly from [-10000, 10000) (ParEval's benchmark range). Ties: the smallest such index
(like np.argmin). Empty x: -1. Every element must be read, so the reference is a plain loop.

- Bench size: 8.1e7 values (648 MB) make the serial numba reference take about 62 ms. The
  pure-Python reference (roughly 0.3 us a value) would need an estimated 24 s there, past the
  profile's 10 s cap for it, so the profile reports no vs_python for this task.
"""

import math

CATEGORY = "search"
SIZES = {"check": 1000, "bench": 81_000_000}


def make_inputs(size, rng):
    return (rng.uniform(-10000.0, 10000.0, size),)


def reference(x):
    best = -1
    best_distance = math.inf
    for i in range(x.shape[0]):
        distance = abs(x[i] - math.pi)
        if distance < best_distance:
            best_distance = distance
            best = i
    return best
