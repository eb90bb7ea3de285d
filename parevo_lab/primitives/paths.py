"""Single-source shortest paths with non-negative weights: bucketed label-correcting SSSP.

The method is delta-stepping (Meyer and Sanders, "Delta-stepping: a parallelizable shortest
path algorithm", J. Algorithms 2003) without the light/heavy split of the edges, as the GAP
benchmark suite's sssp runs it (Beamer, Asanovic and Patterson, "The GAP Benchmark Suite",
2015): the vertices whose distance dropped since they were last expanded are pending, and each
round expands the pending ones in the lowest bucket of width delta. Their out-edges write
(target, candidate distance) pairs into private slots placed by an exclusive scan of their
degrees; the pairs that can improve their target are grouped by target range (``group_by_key``)
and each range applies the smallest candidates to its own vertices and lists the ones that
became pending. Every distance has one writer: no atomics, no compare-and-swap. Rounds with
few pending vertices (most of them on a graph of large diameter: the wave front is thin at the
start and at the end) run in one thread, relaxing the edges in place.

CSR conventions, and what a prange loop may write: see ``csr``. Each parallel step of a round
is its own function: numba would fuse adjacent loops that index the distances indirectly and
threads would then read distances other threads write.
"""

import numba
import numpy as np
from numba import prange, types
from numba.extending import overload

from ._util import block_bounds, block_count, empty, exclusive_sum_serial, full, highest, zeros
from .sort import group_by_key

_SMALL = 512  # rounds with fewer pending vertices run in one thread
_RANGE_PAIRS = 256  # about this many candidate pairs per target range
_PART = 1024  # pending vertices per block when the list is cut into frontier and rest
_AUTO_FACTOR = 4.0  # delta = 0: bucket width = this times mean weight / mean out-degree


# ---------------------------------------------------------------------------------------------
# dtype rules: integer weights compute in int64, float weights in float64


def _widened(weights):
    """weights as int64 (integer dtypes) or float64 (float dtypes), copied only when needed."""


@overload(_widened)
def _widened_impl(weights):
    dt = weights.dtype
    if isinstance(dt, types.Integer):
        if dt == types.int64:
            return lambda weights: weights
        return lambda weights: weights.astype(np.int64)
    if isinstance(dt, types.Float):
        if dt == types.float64:
            return lambda weights: weights
        return lambda weights: weights.astype(np.float64)
    raise numba.core.errors.TypingError("shortest_paths: weights must be integers or floats")


def _width(w, delta, total, n, m):
    """The bucket width in w's dtype: delta, or when delta is 0 the automatic width."""


@numba.njit(cache=True)
def _auto_width(total, n, m):
    """_AUTO_FACTOR times the mean weight over the mean out-degree (taken as at least 1)."""
    mean_weight = total / max(m, np.int64(1))
    mean_degree = max(1.0, m / max(n, np.int64(1)))
    return _AUTO_FACTOR * mean_weight / mean_degree


@overload(_width)
def _width_impl(w, delta, total, n, m):
    if isinstance(w.dtype, types.Integer):

        def impl(w, delta, total, n, m):
            if delta > 0:
                return np.int64(min(max(1.0, np.ceil(np.float64(delta))), 2.0**62))
            return max(np.int64(1), np.int64(_auto_width(total, n, m)))

        return impl

    def impl(w, delta, total, n, m):
        if delta > 0:
            return np.float64(delta)
        width = _auto_width(total, n, m)
        return width if width > 0 else 1.0

    return impl


# ---------------------------------------------------------------------------------------------
# steps


@numba.njit(parallel=True, cache=True)
def _weight_stats(w):
    """The number of weights that are not >= 0 (negative or NaN) and the sum of the weights as
    float64, summed over fixed blocks (the same on any thread count)."""
    m = w.shape[0]
    blocks = block_count(m)
    bad = zeros(blocks, np.int64)
    part = zeros(blocks, np.float64)
    for b in prange(blocks):
        lo, hi = block_bounds(b, m, blocks)
        count = np.int64(0)
        s = 0.0
        for j in range(lo, hi):
            x = w[j]
            if not x >= 0:
                count += 1
            s += np.float64(x)
        bad[b] = count
        part[b] = s
    total = 0.0
    wrong = np.int64(0)
    for b in range(blocks):
        total += part[b]
        wrong += bad[b]
    return wrong, total


@numba.njit(cache=True)
def _serial_round(indptr, indices, w, pending, dist, flag, width, inf):
    """One round in one thread, relaxing in place; the new pending list and its lowest distance."""
    low = inf
    for v in pending:
        low = min(low, dist[v])
    limit = (low // width + 1) * width
    edges = 0
    for v in pending:
        if dist[v] < limit or dist[v] == low:
            flag[v] = False
            edges += indptr[v + 1] - indptr[v]
    out = np.empty(pending.shape[0] + edges, np.int64)
    count = 0
    for v in pending:
        if flag[v]:
            out[count] = v  # a later bucket: stays pending
            count += 1
    for v in pending:
        d = dist[v]
        # skipped when already listed again (an edge of weight 0 lowered it in this round)
        if (d < limit or d == low) and not flag[v]:
            for j in range(indptr[v], indptr[v + 1]):
                t = indices[j]
                c = d + w[j]
                if c < dist[t]:
                    dist[t] = c
                    if not flag[t]:
                        flag[t] = True
                        out[count] = t
                        count += 1
    low = inf
    for i in range(count):
        low = min(low, dist[out[i]])
    return out[:count], low


@numba.njit(cache=True)
def _partition_blocks(count):
    """Blocks of about _PART pending vertices (at most 256): fixed by the count alone."""
    return np.int64(max(1, min(256, count // _PART)))


@numba.njit(parallel=True, cache=True)
def _near_counts(indptr, pending, dist, low, limit, inf):
    """Which pending vertices are expanded this round (below ``limit``, or at the lowest
    distance ``low``); per block of the list, how many are and how many out-edges they have;
    the lowest distance of the others."""
    count = pending.shape[0]
    blocks = _partition_blocks(count)
    near = empty(count, np.bool_)
    counts = empty(blocks, np.int64)
    edges = empty(blocks, np.int64)
    lows = empty(blocks, dist.dtype)
    for b in prange(blocks):
        lo, hi = block_bounds(b, count, blocks)
        k = np.int64(0)
        e = np.int64(0)
        wait = inf
        for i in range(lo, hi):
            v = pending[i]
            d = dist[v]
            here = d < limit or d == low
            near[i] = here
            if here:
                k += 1
                e += indptr[v + 1] - indptr[v]
            else:
                wait = min(wait, d)
        counts[b] = k
        edges[b] = e
        lows[b] = wait
    return near, counts, edges, lows.min()


@numba.njit(parallel=True, cache=True)
def _partition(indptr, pending, dist, low, limit, inf):
    """The pending list cut into the frontier (expanded this round) and the rest, both in list
    order, with each frontier vertex's first slot for its out-edges (an exclusive scan of their
    degrees), the number of slots and the rest's lowest distance."""
    count = pending.shape[0]
    blocks = _partition_blocks(count)
    near, counts, edges, rest_low = _near_counts(indptr, pending, dist, low, limit, inf)
    near_at, near_total = exclusive_sum_serial(counts)
    edge_at, total = exclusive_sum_serial(edges)
    frontier = empty(near_total, np.int64)
    slot = empty(near_total, np.int64)
    rest = empty(count - near_total, np.int64)
    for b in prange(blocks):
        lo, hi = block_bounds(b, count, blocks)
        k = near_at[b]
        r = lo - near_at[b]
        e = edge_at[b]
        for i in range(lo, hi):
            v = pending[i]
            if near[i]:
                frontier[k] = v
                slot[k] = e
                k += 1
                e += indptr[v + 1] - indptr[v]
            else:
                rest[r] = v
                r += 1
    return frontier, slot, total, rest, rest_low


@numba.njit(parallel=True, cache=True)
def _candidates(indptr, indices, w, frontier, slot, total, dist, flag, shift, ranges):
    """Each frontier vertex leaves the pending set and writes its out-edges as (target,
    candidate, key) triples into its own slots; the key is the target's range (its id >>
    shift), or ``ranges`` for a pair that cannot improve its target."""
    target = empty(total, np.int64)
    value = empty(total, dist.dtype)
    key = empty(total, np.int64)
    for i in prange(frontier.shape[0]):
        v = frontier[i]
        flag[v] = False
        d = dist[v]
        p = slot[i]
        for j in range(indptr[v], indptr[v + 1]):
            t = indices[j]
            c = d + w[j]
            target[p] = t
            value[p] = c
            key[p] = t >> shift if c < dist[t] else ranges
            p += 1
    return target, value, key


@numba.njit(parallel=True, cache=True)
def _apply(target, value, offsets, order, ranges, dist, flag, inf):
    """Each target range keeps the smallest candidate of each of its vertices and lists the ones
    that became pending, in the range's own part of ``added``; their counts, and the lowest
    distance set."""
    added = empty(offsets[ranges], np.int64)
    found = empty(ranges, np.int64)
    lows = empty(ranges, dist.dtype)
    for r in prange(ranges):
        p = offsets[r]
        lowest = inf
        for q in range(offsets[r], offsets[r + 1]):
            k = order[q]
            t = target[k]
            c = value[k]
            if c < dist[t]:
                dist[t] = c
                lowest = min(lowest, c)
                if not flag[t]:
                    flag[t] = True
                    added[p] = t
                    p += 1
        found[r] = p - offsets[r]
        lows[r] = lowest
    return added, found, lows.min()


@numba.njit(parallel=True, cache=True)
def _assemble(rest, added, offsets, found):
    """The new pending list: the vertices that wait, then each range's newly pending ones."""
    ranges = found.shape[0]
    at, new = exclusive_sum_serial(found)
    kept = rest.shape[0]
    out = empty(kept + new, np.int64)
    for i in prange(kept):
        out[i] = rest[i]
    for r in prange(ranges):
        base = kept + at[r]
        first = offsets[r]
        for q in range(found[r]):
            out[base + q] = added[first + q]
    return out


@numba.njit(cache=True)
def _parallel_round(indptr, indices, w, pending, low, dist, flag, width, inf):
    """One round in parallel steps, given the pending list's lowest distance; the new pending
    list and its lowest distance."""
    n = indptr.shape[0] - 1
    limit = (low // width + 1) * width
    frontier, slot, total, rest, rest_low = _partition(indptr, pending, dist, low, limit, inf)
    # ranges of 2^shift vertices (a shift per pair, not a division), about total / 256 of them
    want = max(np.int64(1), min(n, total // _RANGE_PAIRS))
    shift = np.int64(0)
    while (np.int64(1) << shift) * want < n:
        shift += 1
    ranges = ((n - 1) >> shift) + 1
    target, value, key = _candidates(
        indptr, indices, w, frontier, slot, total, dist, flag, shift, ranges
    )
    offsets, order = group_by_key(key, ranges + 1)
    added, found, set_low = _apply(target, value, offsets, order, ranges, dist, flag, inf)
    # a vertex that waits and was not lowered keeps its distance; every other one was just set
    return _assemble(rest, added, offsets, found), min(rest_low, set_low)


@numba.njit(parallel=True, cache=True)
def _answer(dist, inf):
    """dist with -1 where it is still infinite."""
    n = dist.shape[0]
    out = empty(n, dist.dtype)
    for v in prange(n):
        out[v] = -1 if dist[v] == inf else dist[v]
    return out


@numba.njit(cache=True)
def _settle(indptr, indices, w, source, width):
    n = indptr.shape[0] - 1
    inf = highest(w)
    dist = full(n, inf, w.dtype)
    flag = zeros(n, np.bool_)
    dist[source] = 0
    flag[source] = True
    pending = full(1, source, np.int64)
    low = dist[source]
    while pending.shape[0] > 0:
        if pending.shape[0] < _SMALL:
            pending, low = _serial_round(indptr, indices, w, pending, dist, flag, width, inf)
        else:
            pending, low = _parallel_round(indptr, indices, w, pending, low, dist, flag, width, inf)
    return _answer(dist, inf)


# ---------------------------------------------------------------------------------------------
# public


@numba.njit(cache=True)
def shortest_paths(indptr, indices, weights, source, delta=0):
    """Single-source shortest path distances with non-negative edge weights (bucketed
    label-correcting SSSP: delta-stepping without the light/heavy split, as in GAP).

    Work: O(n + m + sum over the R rounds of (P_r + K_r)) for P_r pending vertices and K_r
    expanded out-edges in round r; a vertex is expanded again when its distance drops after
    its expansion: never when delta is at most the smallest weight (as in Dijkstra), and the
    more often the wider delta is (Bellman-Ford when delta exceeds every distance).
    Span: O(sum over rounds of ((P_r + K_r) / p + K_r / 256 + max degree)), where rounds of
    fewer than 512 pending vertices run serially: O(P_r + K_r). R is about the largest
    distance / delta times the hops a bucket takes to settle.

    Args:
        indptr, indices: int64 CSR of out-edges (directed, or symmetric for an undirected graph).
        weights: 1-d array aligned with ``indices``, of any integer or float dtype, every weight
            >= 0 (ValueError for a negative or NaN weight, or a length other than m). Integer
            weights are summed in int64 (no overflow check), float ones in float64.
        source: start vertex in [0, n) (ValueError otherwise); n = 0 gives an empty array for
            any source.
        delta: bucket width in the weights' units, >= 0 (ValueError otherwise); rounded up to
            an integer for integer weights. 0 (default) chooses 4 * mean weight / max(1, mean
            out-degree) (Meyer and Sanders' width, order max weight / degree), at least 1 for
            integer weights and 1.0 for float weights that are all 0. Each round expands the
            pending vertices of the lowest non-empty bucket: a narrow delta means more rounds, a
            wide one more re-expansions. The answer never depends on delta or on the thread
            count; only the number of rounds does.

    Returns:
        int64 array of n for integer weights, float64 for float weights: the smallest total
        weight of a path from ``source`` (0 there), -1 where no path exists. Distances are
        unique, and float sums are taken along the path from the source, so the result equals
        Dijkstra's in float64 exactly.
    """
    n = indptr.shape[0] - 1
    w = _widened(weights)
    if w.shape[0] != indices.shape[0]:
        raise ValueError("shortest_paths: weights and indices differ in length")
    if not delta >= 0:
        raise ValueError("shortest_paths: delta must be >= 0")
    if n == 0:
        return empty(0, w.dtype)
    source = np.int64(source)
    if source < 0 or source >= n:
        raise ValueError("shortest_paths: source out of range: give a vertex in [0, n)")
    m = indptr[n]
    wrong, total = _weight_stats(w[:m])
    if wrong > 0:
        raise ValueError("shortest_paths: weights must be >= 0 (and not NaN)")
    return _settle(indptr, indices, w, source, _width(w, delta, total, n, m))
