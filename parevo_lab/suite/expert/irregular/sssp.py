"""Bucketed label-correcting SSSP (delta-stepping without the light/heavy split, as in GAP).

Pending vertices (whose distance improved since they were last expanded) are kept in a list;
each round expands the ones in the lowest bucket of width DELTA. Their out-edges write
(target, candidate distance) pairs into private slots (an exclusive scan of the degrees), the
pairs are grouped by target range with P.group_by_key, and each range applies the minima to its
own vertices and lists those newly pending: every distance has a single writer, no atomics.
Rounds with fewer than SMALL pending vertices (most rounds on a torus: the wave front is thin
at the start and the end) run serially instead of starting a dozen parallel steps.
"""

import numba
import numpy as np

from parevo_lab import primitives as P

DELTA = 64
RANGE_EDGES = 256  # about this many candidate pairs per target range
SMALL = 512  # rounds with fewer pending vertices run serially
INF = np.iinfo(np.int64).max


@numba.njit(parallel=True)
def _candidates(indptr, indices, weights, frontier, dist, width, ranges):
    """Each frontier vertex's out-edges as (target, distance, range) triples in private slots;
    a pair that cannot improve its target goes to the extra range ``ranges``."""
    count = frontier.shape[0]
    start = np.empty(count + 1, np.int64)
    start[0] = 0
    for i in range(count):
        v = frontier[i]
        start[i + 1] = start[i] + indptr[v + 1] - indptr[v]
    total = start[count]
    target = np.empty(total, np.int64)
    value = np.empty(total, np.int64)
    key = np.empty(total, np.int64)
    for i in numba.prange(count):
        v = frontier[i]
        base = dist[v]
        p = start[i]
        for j in range(indptr[v], indptr[v + 1]):
            t = indices[j]
            c = base + weights[j]
            target[p] = t
            value[p] = c
            key[p] = t // width if c < dist[t] else ranges
            p += 1
    return target, value, key


@numba.njit
def _round_serial(indptr, indices, weights, pending, dist, pending_flag):
    """One round in one thread (direct updates); returns the new pending list."""
    bucket = INF
    for v in pending:
        bucket = min(bucket, dist[v] // DELTA)
    limit = (bucket + 1) * DELTA
    edges = 0
    for v in pending:
        if dist[v] < limit:
            pending_flag[v] = False
            edges += indptr[v + 1] - indptr[v]
    out = np.empty(pending.shape[0] + edges, np.int64)
    count = 0
    for v in pending:
        if pending_flag[v]:
            out[count] = v  # not in this bucket: stays pending
            count += 1
    for v in pending:
        if dist[v] < limit and not pending_flag[v]:
            for j in range(indptr[v], indptr[v + 1]):
                t = indices[j]
                if dist[v] + weights[j] < dist[t]:
                    dist[t] = dist[v] + weights[j]
                    if not pending_flag[t]:
                        pending_flag[t] = True
                        out[count] = t
                        count += 1
    return out[:count]


@numba.njit(parallel=True)
def kernel(indptr, indices, weights, source):
    n = indptr.shape[0] - 1
    dist = np.full(n, INF, np.int64)
    if n == 0:
        return np.full(0, -1, np.int64)
    pending_flag = np.zeros(n, np.bool_)
    dist[source] = 0
    pending_flag[source] = True
    pending = np.full(1, source, np.int64)
    while pending.shape[0] > 0:
        if pending.shape[0] < SMALL:
            pending = _round_serial(indptr, indices, weights, pending, dist, pending_flag)
            continue
        bucket = INF
        for i in numba.prange(pending.shape[0]):
            bucket = min(bucket, dist[pending[i]] // DELTA)
        limit = (bucket + 1) * DELTA
        near = np.empty(pending.shape[0], np.bool_)
        # `far` is filled here rather than computed as ~near: numba 0.68 sizes ~near like the
        # first `pending` (one element) in later rounds
        far = np.empty(pending.shape[0], np.bool_)
        for i in numba.prange(pending.shape[0]):
            near[i] = dist[pending[i]] < limit
            far[i] = not near[i]
        frontier = P.pack(pending, near)
        rest = P.pack(pending, far)
        for i in numba.prange(frontier.shape[0]):
            pending_flag[frontier[i]] = False
        total = 0
        for i in numba.prange(frontier.shape[0]):
            total += indptr[frontier[i] + 1] - indptr[frontier[i]]
        ranges = max(1, min(n, total // RANGE_EDGES))
        width = (n + ranges - 1) // ranges
        target, value, key = _candidates(indptr, indices, weights, frontier, dist, width, ranges)
        offsets, order = P.group_by_key(key, ranges + 1)
        added = np.empty(offsets[ranges], np.int64)
        found = np.zeros(ranges, np.int64)
        for r in numba.prange(ranges):
            slot = offsets[r]
            for q in range(offsets[r], offsets[r + 1]):
                t = target[order[q]]
                if value[order[q]] < dist[t]:
                    dist[t] = value[order[q]]
                    if not pending_flag[t]:
                        pending_flag[t] = True
                        added[slot] = t
                        slot += 1
            found[r] = slot - offsets[r]
        at = P.exclusive_scan(found)
        kept = rest.shape[0]
        pending = np.empty(kept + (at[ranges - 1] + found[ranges - 1]), np.int64)
        for i in numba.prange(kept):
            pending[i] = rest[i]
        for r in numba.prange(ranges):
            for q in range(found[r]):
                pending[kept + at[r] + q] = added[offsets[r] + q]
    out = np.empty(n, np.int64)
    for v in numba.prange(n):
        out[v] = -1 if dist[v] == INF else dist[v]
    return out
