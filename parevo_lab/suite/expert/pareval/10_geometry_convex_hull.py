"""Hulls of blocks of points in parallel, then the hull of their vertices.

Every vertex of the whole hull is a vertex of the hull of whichever block holds it, so the hull
of the union of the block hulls is the answer. Each block of BLOCK points runs the reference's
monotone chain on its own points (a parallel loop over blocks, each writing its vertices into
its own slice of a shared buffer); the few thousand block vertices then go through the same
chain serially, which gives the reference's order (counterclockwise from the lexicographically
smallest point).
"""

import numba
import numpy as np

BLOCK = 16384


@numba.njit(parallel=True)
def kernel(points):
    n = points.shape[0]
    xs = np.empty(n)
    ys = np.empty(n)
    for i in numba.prange(n):
        xs[i] = points[i, 0]
        ys[i] = points[i, 1]
    blocks = (n + BLOCK - 1) // BLOCK
    found = np.empty(n, np.int64)
    counts = np.zeros(blocks, np.int64)
    for b in numba.prange(blocks):
        lo = b * BLOCK
        vertices = _hull(xs, ys, np.arange(lo, min(lo + BLOCK, n)))
        for t in range(vertices.shape[0]):
            found[lo + t] = vertices[t]
        counts[b] = vertices.shape[0]
    candidates = np.empty(counts.sum(), np.int64)
    k = 0
    for b in range(blocks):
        for t in range(counts[b]):
            candidates[k] = found[b * BLOCK + t]
            k += 1
    vertices = _hull(xs, ys, candidates)
    hull = np.empty((vertices.shape[0], 2))
    for t in range(vertices.shape[0]):
        hull[t, 0] = xs[vertices[t]]
        hull[t, 1] = ys[vertices[t]]
    return hull


@numba.njit
def _hull(xs, ys, subset):
    """Hull vertices of the points ``subset`` (indices into xs, ys), in the reference's order."""
    n = subset.shape[0]
    order = np.argsort(ys[subset], kind="mergesort")
    order = order[np.argsort(xs[subset][order], kind="mergesort")]
    distinct = np.empty(n, np.int64)
    m = 0
    for t in range(n):
        p = subset[order[t]]
        if m == 0 or xs[p] != xs[distinct[m - 1]] or ys[p] != ys[distinct[m - 1]]:
            distinct[m] = p
            m += 1
    if m <= 2:
        return distinct[:m].copy()
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
    return chain[: h - 1].copy()
