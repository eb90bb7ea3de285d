"""The reference's rotational sweep, cut into BUCKETS ranges of angle swept in parallel.

A parallel loop computes every pair's direction (rows t and n-1-t together, so the static
schedule gets equal work) and its bucket, the range of angles it falls in;
parevo_lab.primitives.group_by_key groups the pairs by bucket, keeping the reference's pair order.
Each bucket then sorts its own pairs by angle and sweeps them like the reference, from the order
the points have when the sweep enters it. That order needs no earlier bucket: points i and j are
in their initial (y, x) order unless the pair's own direction falls in an earlier bucket, which
is one comparison in a merge sort, computed with the very angle and bucket the pair's event has.
The answer is the smallest of the buckets' results.
"""

import numba
import numpy as np

from parevo_lab import primitives as P

BUCKETS = 32


@numba.njit(parallel=True)
def kernel(points):
    n = points.shape[0]
    if n < 3:
        return np.inf
    xs = points[:, 0].copy()
    ys = points[:, 1].copy()
    pairs = n * (n - 1) // 2
    angle = np.empty(pairs)
    bucket = np.empty(pairs, np.int64)
    first = np.empty(pairs, np.int64)
    second = np.empty(pairs, np.int64)
    for row in numba.prange((n + 1) // 2):
        t = np.int64(row)  # the prange index may be unsigned: keep the arithmetic in int64
        for side in range(2):
            a = t if side == 0 else n - 1 - t
            if side == 0 or a != t:
                start = a * n - a * (a + 1) // 2 - a - 1
                for b in range(a + 1, n):
                    direction = _direction(xs, ys, a, b)
                    angle[start + b] = direction
                    bucket[start + b] = _bucket(direction)
                    first[start + b] = a
                    second[start + b] = b
    offsets, grouped = P.group_by_key(bucket, BUCKETS)
    bests = np.empty(BUCKETS)
    for c in numba.prange(BUCKETS):
        events = grouped[offsets[c] : offsets[c + 1]]
        events = events[np.argsort(angle[events], kind="mergesort")]
        order = _order_entering(xs, ys, c)
        position = np.empty(n, np.int64)
        for t in range(n):
            position[order[t]] = t
        best = np.inf
        for e in events:
            a = first[e]
            b = second[e]
            pa = position[a]
            pb = position[b]
            for q in (pa - 1, pa + 1, pb - 1, pb + 1):
                if 0 <= q < n:
                    d = order[q]
                    if d != a and d != b:
                        area = 0.5 * abs(
                            (xs[b] - xs[a]) * (ys[d] - ys[a]) - (ys[b] - ys[a]) * (xs[d] - xs[a])
                        )
                        if area < best:
                            best = area
            order[pa] = b
            order[pb] = a
            position[a] = pb
            position[b] = pa
        bests[c] = best
    return bests.min()


@numba.njit
def _direction(xs, ys, a, b):
    """Angle in [0, pi] of the line through points a < b, as the reference computes it."""
    dx = xs[b] - xs[a]
    dy = ys[b] - ys[a]
    if dy < 0.0 or (dy == 0.0 and dx < 0.0):
        dx = -dx
        dy = -dy
    return np.arctan2(dy, dx)


@numba.njit
def _bucket(direction):
    return min(int(direction * (BUCKETS / np.pi)), BUCKETS - 1)


@numba.njit
def _before(xs, ys, i, j, c):
    """Whether point i precedes point j when the sweep enters bucket c."""
    initially = ys[i] < ys[j] or (ys[i] == ys[j] and (xs[i] < xs[j] or (xs[i] == xs[j] and i < j)))
    swapped = _bucket(_direction(xs, ys, min(i, j), max(i, j))) < c
    return initially != swapped


@numba.njit
def _order_entering(xs, ys, c):
    """The points in the sweep's order as it enters bucket c (bottom-up merge sort)."""
    n = xs.shape[0]
    order = np.arange(n)
    merged = np.empty(n, np.int64)
    width = 1
    while width < n:
        for lo in range(0, n, 2 * width):
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i = lo
            j = mid
            for k in range(lo, hi):
                if j < hi and (i == mid or _before(xs, ys, order[j], order[i], c)):
                    merged[k] = order[j]
                    j += 1
                else:
                    merged[k] = order[i]
                    i += 1
        order, merged = merged, order
        width *= 2
    return order
