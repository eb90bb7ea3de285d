"""Distance between the closest two of n numbers (ParEval 14, closest_pair_1d).

x is a float64 vector of n values. Return the smallest |x[i] - x[j]| over i != j (equal values
give 0.0).

Decisions:
- Fewer than two values: no pair, the answer is inf (ParEval returns 0).
- ParEval's reference compares all n^2 pairs. Ours sorts a copy and takes the smallest gap
  between neighbours, O(n log n), so that speedups measure parallelism and not an algorithm.
- make_inputs draws the values uniformly in [-1, 1) (ParEval: [-1000, 1000]). Bench n is 2^20
  (ParEval: 2^14 serially, 2^13 for OpenMP).
"""

import numpy as np

CATEGORY = "geometry"
SIZES = {"check": 2000, "bench": 1048576}


def make_inputs(size, rng):
    return (rng.uniform(-1.0, 1.0, size),)


def reference(x):
    s = np.sort(x)
    best = np.inf
    for i in range(1, s.shape[0]):
        gap = s[i] - s[i - 1]
        if gap < best:
            best = gap
    return best
