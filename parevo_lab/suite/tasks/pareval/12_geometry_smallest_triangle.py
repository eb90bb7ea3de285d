"""Smallest area of a triangle formed by three of n 2-D points (ParEval 12, smallest_triangle).

points is an n x 2 float64 array, one (x, y) point per row. Return the smallest area
|cross(b - a, c - a)| / 2 over all triples of distinct rows a, b, c.

Decisions:
- Fewer than three points: no triangle, the answer is inf (ParEval returns 0).
- ParEval's reference tries all n^3/6 triples. Ours is the O(n^2 log n) rotational sweep, so
  that speedups measure parallelism and not an algorithm. In a smallest triangle abc, c is the
  point nearest to the line ab (a nearer one would make a smaller triangle). Sort the points by
  their coordinate along the normal of a direction rotating from angle 0 to pi: the order
  changes only when the direction passes that of a pair (a, b), and then a and b are neighbours
  in it that swap, while the points nearest to the line ab on either side are their neighbours.
  So: start from the order at angle 0 (by y, then x: just below angle 0), sort the n(n-1)/2
  pair directions (atan2, folded into [0, pi)) with a stable sort, and at each one evaluate the
  triangles with the points next to a and b in the order, then swap a and b.
- This needs points in general position; make_inputs draws coordinates uniformly in [0, 1)
  (ParEval: [-1000, 1000]), where three collinear points or two parallel pairs have
  probability 0 (near ties only perturb triangles far smaller than the answer). Candidates
  next to both a and b are evaluated, so a pair that rounding leaves not quite adjacent is
  still handled.
- Bench n is 1000 (ParEval: 2^8 serially and 2^7 for OpenMP, for its cubic loop); the default
  float comparison applies.
"""

import numpy as np

CATEGORY = "geometry"
SIZES = {"check": 200, "bench": 1000}


def make_inputs(size, rng):
    return (rng.random((size, 2)),)


def reference(points):
    n = points.shape[0]
    if n < 3:
        return np.inf
    xs = points[:, 0]
    ys = points[:, 1]
    order = np.argsort(xs, kind="mergesort")
    order = order[np.argsort(ys[order], kind="mergesort")]
    position = np.empty(n, np.int64)
    for t in range(n):
        position[order[t]] = t
    pairs = n * (n - 1) // 2
    angle = np.empty(pairs)
    first = np.empty(pairs, np.int64)
    second = np.empty(pairs, np.int64)
    e = 0
    for a in range(n):
        for b in range(a + 1, n):
            dx = xs[b] - xs[a]
            dy = ys[b] - ys[a]
            if dy < 0.0 or (dy == 0.0 and dx < 0.0):
                dx = -dx
                dy = -dy
            angle[e] = np.arctan2(dy, dx)
            first[e] = a
            second[e] = b
            e += 1
    best = np.inf
    for e in np.argsort(angle, kind="mergesort"):
        a = first[e]
        b = second[e]
        pa = position[a]
        pb = position[b]
        for q in (pa - 1, pa + 1, pb - 1, pb + 1):
            if 0 <= q < n:
                c = order[q]
                if c != a and c != b:
                    area = 0.5 * abs(
                        (xs[b] - xs[a]) * (ys[c] - ys[a]) - (ys[b] - ys[a]) * (xs[c] - xs[a])
                    )
                    if area < best:
                        best = area
        order[pa] = b
        order[pb] = a
        position[a] = pb
        position[b] = pa
    return best
