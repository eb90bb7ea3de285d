"""Distance between the closest two of n 2-D points (ParEval 13, closest_pair_2d).

points is an n x 2 float64 array, one (x, y) point per row. Return the smallest Euclidean
distance between two of the points (two rows; equal points give 0.0).

Decisions:
- Fewer than two points: no pair, the answer is inf (ParEval returns 0).
- ParEval's reference compares all n^2 pairs. Ours is the sort-based sweep, so that speedups
  measure parallelism and not an algorithm: sort the points by x (a stable argsort), then for
  each point scan the following ones until their x distance alone reaches the best distance so
  far. On random points that is O(n log n) in practice. It tracks squared distances and returns
  the square root of the smallest.
- make_inputs draws coordinates uniformly in [0, 1) (ParEval: [-1000, 1000]). Bench n is 2^19
  (ParEval: 2^14 serially, 2^13 for OpenMP).
"""

import numpy as np

CATEGORY = "geometry"
SIZES = {"check": 1000, "bench": 524288}


def make_inputs(size, rng):
    return (rng.random((size, 2)),)


def reference(points):
    n = points.shape[0]
    order = np.argsort(points[:, 0], kind="mergesort")
    xs = np.empty(n)
    ys = np.empty(n)
    for t in range(n):
        xs[t] = points[order[t], 0]
        ys[t] = points[order[t], 1]
    best = np.inf
    for i in range(n):
        for j in range(i + 1, n):
            dx = xs[j] - xs[i]
            if dx * dx >= best:
                break
            dy = ys[j] - ys[i]
            d = dx * dx + dy * dy
            if d < best:
                best = d
    return np.sqrt(best)
