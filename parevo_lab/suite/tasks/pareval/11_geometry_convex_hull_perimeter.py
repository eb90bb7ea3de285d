"""Perimeter of the convex hull of 2-D points (ParEval 11, convex_hull_perimeter).

points is an n x 2 float64 array, one (x, y) point per row. Return the perimeter of their convex
hull: the sum of the distances between consecutive hull vertices, around the cycle.

ParEval's own baseline is wrong, and this task follows ParEval's prompt, not its baseline:
correctConvexHullPerimeter builds the same broken hull as ParEval 10's baseline (the last two
sorted points never enter the lower chain; see 10_geometry_convex_hull). On the corners of a
10 x 10 square with the interior points (5, 5), (9, 2), (7, 1), (3, 4), (2, 8) it returns 37.37
instead of 40, and on 1024 random points as in its validate() it is off by more than its own
1e-6 tolerance about five times in six, so a correct kernel usually fails ParEval's check.

Decisions:
- Degenerate hulls follow from that cyclic sum: no points or one distinct point give 0.0; points
  that all lie on one line give twice the distance between the line's two end points (there and
  back). ParEval returns 0 for fewer than three points, so two distinct points at distance d
  give 0 there and 2d here.
- The reference builds the hull with Andrew's monotone chain (a stable lexicographic sort by two
  stable argsorts, duplicates dropped, lower and upper chains popping on cross products <= 0),
  O(n log n) in plain loops, then sums sqrt(dx^2 + dy^2) over the hull's edges.
- make_inputs draws n points with integer coordinates (stored as floats) uniformly from the disk
  of radius max(2, isqrt(n)) around the origin: many duplicates and collinear points, and exact
  cross products (ParEval draws uniform doubles in [-1000, 1000]^2). From n = 8 on, the last
  min(5, n // 8) points are a spike: one row of points beyond the disk, each alone in its
  column, whose tip is a hull vertex (as in 10: found by `parevo audit`). Bench n is 2^18
  (ParEval: 2^14).
- Tolerance: TOLERANCE is rtol 1e-11, atol 0. The perimeter is a sum of h positive edge
  lengths, each the correctly rounded root of an exact integer, so another summation order,
  starting vertex or direction (or hypot for sqrt) changes it by at most about (h - 1) eps
  relative: 4e-14 at the bench size, where h = 169, so 1e-11 leaves a margin of over 200 (and
  fits hulls of up to about 45000 vertices). Leaving out one hull vertex changes the perimeter
  by at least 1e-3 at the check size and 2.9e-5 (9e-9 relative) at the bench size, where the
  default tolerance (sqrt(eps) P + 2n eps P = 4.8e-5) would have let it pass. Empty and
  one-point hulls compare exactly (0.0). ParEval's check is |test - correct| <= 1e-6 absolute
  on perimeters of about 8000 (1.2e-10 relative).
"""

import numpy as np

CATEGORY = "geometry"
SIZES = {"check": 1000, "bench": 262144}
TOLERANCE = {"rtol": 1e-11, "atol": 0.0}  # a sum of h positive terms: reordering is ~h eps


def make_inputs(size, rng):
    radius = max(2, int(np.sqrt(size)))
    points = np.empty((0, 2), np.int64)
    while points.shape[0] < size:
        candidates = rng.integers(-radius, radius, (2 * size, 2), endpoint=True)
        inside = (candidates**2).sum(axis=1) <= radius * radius
        points = np.concatenate((points, candidates[inside]))
    points = points[:size]
    if size >= 8:
        # A spike: a few points in one row beyond the disk, each alone in its column. Sorted,
        # they are distinct neighbours with equal y; the last is a hull vertex, the others lie
        # inside (found by `parevo audit`: without them a dedupe that compared x alone passed).
        spike = min(5, size // 8)
        row = int(rng.integers(-radius // 2, radius // 2 + 1))
        points[-spike:] = [(radius + 1 + j, row) for j in range(spike)]
    return (points.astype(np.float64),)


def reference(points):
    n = points.shape[0]
    xs = points[:, 0]
    ys = points[:, 1]
    order = np.argsort(ys, kind="mergesort")
    order = order[np.argsort(xs[order], kind="mergesort")]
    distinct = np.empty(n, np.int64)
    m = 0
    for t in range(n):
        p = order[t]
        if m == 0 or xs[p] != xs[distinct[m - 1]] or ys[p] != ys[distinct[m - 1]]:
            distinct[m] = p
            m += 1
    distinct = distinct[:m]
    if m <= 2:
        chain = distinct
        h = m
    else:
        chain = np.empty(2 * m, np.int64)
        h = 0
        floor = 2
        for t in range(2 * m - 1):
            if t == m:
                floor = h + 1
            p = distinct[t] if t < m else distinct[2 * m - 2 - t]
            while h >= floor:
                a = chain[h - 2]
                b = chain[h - 1]
                cross = (xs[b] - xs[a]) * (ys[p] - ys[a]) - (ys[b] - ys[a]) * (xs[p] - xs[a])
                if cross > 0:
                    break
                h -= 1
            chain[h] = p
            h += 1
        h -= 1
    perimeter = 0.0
    for t in range(h):
        a = chain[t]
        b = chain[(t + 1) % h]
        dx = xs[b] - xs[a]
        dy = ys[b] - ys[a]
        perimeter += np.sqrt(dx * dx + dy * dy)
    return perimeter
