"""Convex hull of 2-D points (ParEval 10, convex_hull).

points is an n x 2 float64 array, one (x, y) point per row. Return the vertices of the convex hull
of the points as an h x 2 float64 array, in cyclic order around the hull. points must be left
unchanged. (ParEval's convexHull fills a `hull` vector argument; we return the array.)

ParEval's own baseline is wrong, and this task follows ParEval's prompt, not its baseline.
correctConvexHull builds the upper chain from every sorted point, but the lower chain only from
the third-largest point down (its loop starts at i = 2 and takes pointsSorted[n - i - 1]), so
the last two sorted points never enter the lower chain, and both chains end with the smallest
point, pointsSorted[0], which the result then holds twice. On the corners of a 10 x 10 square
with the interior points (5, 5), (9, 2), (7, 1), (3, 4), (2, 8) it returns {0,0} {0,10}
{10,10} {9,2} {7,1} {0,0} (perimeter 37.37 instead of 40). Its validate() first compares the
number of vertices with the baseline's, then the sorted vertices, so a correct hull, which
holds no point twice, fails ParEval's own check every time.

Decisions:
- Vertices only: points lying on a hull edge (collinear with two vertices) are not vertices, and
  a point given several times appears once. Degenerate hulls: no points give a 0 x 2 array; one
  distinct point gives that point; points that all lie on one line give the line's two end
  points.
- Order: the vertices must come in cyclic order around the hull, which is stricter than ParEval:
  its prompt asks for "the set of points" and its validate() sorts both answers before
  comparing, so any order of the vertex set passes there. The check accepts any starting
  vertex and either orientation (clockwise or counterclockwise): it finds the reference's first
  vertex in the answer and compares the cyclic sequence forwards and backwards, exactly (hull
  vertices are input points, copied without arithmetic). The reference itself returns the
  counterclockwise order starting at the lexicographically smallest (x, then y) point. The
  check does not look at points.
- Fewer than three points: ParEval's baseline returns the points as given (a point given twice
  appears twice); here the rules above apply (distinct points only).
- The reference is Andrew's monotone chain: a stable lexicographic sort (two stable argsorts),
  duplicates dropped, then the lower and upper chains, popping on cross products <= 0 (which
  drops collinear points). O(n log n), in plain loops.
- make_inputs draws n points with integer coordinates (stored as floats) uniformly from the disk
  of radius max(2, isqrt(n)) around the origin: many duplicates and collinear points, so the
  rules above matter, and cross products are exact (ParEval draws uniform doubles in
  [-1000, 1000]^2). From n = 8 on, the last min(5, n // 8) points are a spike: one row of
  points beyond the disk, each alone in its column, whose tip is a hull vertex (a dedupe or a
  chain that mishandles distinct neighbours with equal y fails there; `parevo audit` found that
  the disk alone let such kernels pass). Bench n is 2^18 (ParEval: 2^14).
"""

import numpy as np

CATEGORY = "geometry"
SIZES = {"check": 1000, "bench": 262144}


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
    hull = np.empty((h, 2))
    for t in range(h):
        hull[t, 0] = xs[chain[t]]
        hull[t, 1] = ys[chain[t]]
    return hull


def check(expected, actual, args):
    if not isinstance(actual, np.ndarray) or actual.ndim != 2 or actual.shape[1] != 2:
        raise AssertionError(f"expected an h x 2 array of hull vertices, got {actual!r:.80}")
    h = expected.shape[0]
    want = {tuple(p) for p in expected.tolist()}
    got = {tuple(p) for p in actual.tolist()}
    if got != want or actual.shape[0] != h:
        missing = sorted(want - got)[:3]
        extra = sorted(got - want)[:3]
        raise AssertionError(
            f"expected {h} hull vertices, got {actual.shape[0]} rows; missing e.g. {missing}, "
            f"not vertices e.g. {extra}"
            + ("" if got != want else " (some vertex appears more than once)")
        )
    if h == 0:
        return
    start = int(np.flatnonzero((actual == expected[0]).all(axis=1))[0])
    steps = np.arange(h)
    if np.array_equal(actual[(start + steps) % h], expected):
        return
    if np.array_equal(actual[(start - steps) % h], expected):
        return
    raise AssertionError("the hull vertices are right but not in cyclic order around the hull")
