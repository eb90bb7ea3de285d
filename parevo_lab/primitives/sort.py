"""Sorting and what is built from it: radix sort (of integers and of floats' bit patterns),
counting sort (group by key), unique, a seeded random permutation and a parallel merge."""

from __future__ import annotations

import numba
import numpy as np

from ._util import as_int64, block_bounds, block_count, copy, empty, exclusive_sum_serial, mix64
from .histogram import _private_counts
from .pack import pack
from .reduce import reduce_max, reduce_min

RADIX_BITS = 8
BUCKETS = 1 << RADIX_BITS


# ---------------------------------------------------------------- radix sort (LSD, 8-bit digits)


@numba.njit(cache=True)
def _bit_length(v):
    bits = np.int64(0)
    while v > 0:
        v >>= 1
        bits += 1
    return bits


@numba.njit(parallel=True, cache=True)
def _digit_counts(keys, shift, blocks):
    n = keys.shape[0]
    counts = np.zeros((blocks, BUCKETS), np.int64)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        row = counts[b]
        y = keys[lo:hi]
        for i in range(y.shape[0]):
            row[(y[i] >> shift) & (BUCKETS - 1)] += 1
    return counts


NO_PERM = 0  # scatter the keys only
PERM_FROM_ARRAY = 1  # carry perm[i] along with keys[i]
PERM_IDENTITY = 2  # first pass: the permutation so far is i itself


@numba.njit(parallel=True, cache=True)
def _digit_scatter(keys, perm, out_keys, out_perm, starts, shift, perm_mode):
    n = keys.shape[0]
    blocks = starts.shape[0]
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        pos = starts[b]
        y = keys[lo:hi]
        for i in range(y.shape[0]):
            k = y[i]
            d = (k >> shift) & (BUCKETS - 1)
            p = pos[d]
            out_keys[p] = k
            if perm_mode == PERM_FROM_ARRAY:
                out_perm[p] = perm[lo + i]
            elif perm_mode == PERM_IDENTITY:
                out_perm[p] = lo + i
            pos[d] = p + 1


@numba.njit(cache=True)
def _radix_core(keys, n_bits, with_perm):
    """LSD radix sort of int64 keys read as unsigned, on their low n_bits bits.

    Returns new arrays (sorted keys, permutation; the permutation is empty unless with_perm).
    The first pass reads the input directly and writes the identity permutation on the fly."""
    n = keys.shape[0]
    a = keys
    pa = empty(0, np.int64)
    spare = empty(0, np.int64)
    spare_perm = empty(0, np.int64)
    moved = 0
    blocks = block_count(n, 64)
    shift = np.int64(0)
    while shift < n_bits:
        counts = _digit_counts(a, shift, blocks)
        starts = empty((blocks, BUCKETS), np.int64)
        run = np.int64(0)
        trivial = False
        for d in range(BUCKETS):
            column = np.int64(0)
            for r in range(blocks):
                starts[r, d] = run
                run += counts[r, d]
                column += counts[r, d]
            if column == n:
                trivial = True  # every key has this digit: the pass would not move anything
        if not trivial:
            if moved < 2:  # the input is never written; allocate the two buffers on first use
                spare = empty(n, np.int64)
                spare_perm = empty(n if with_perm else 0, np.int64)
            mode = NO_PERM
            if with_perm:
                mode = PERM_IDENTITY if moved == 0 else PERM_FROM_ARRAY
            _digit_scatter(a, pa, spare, spare_perm, starts, shift, mode)
            a, spare = spare, a
            pa, spare_perm = spare_perm, pa
            moved += 1
        shift += RADIX_BITS
    if moved == 0:
        a = copy(keys)
        pa = np.arange(n) if with_perm else pa
    return a, pa


@numba.njit(cache=True)
def radix_sort(keys):
    """Stable LSD radix sort of non-negative int64 keys, with the permutation that sorts them.

    Work: O(n * b/8) for keys below 2^b. Span: O((n/p + 256 p) * b/8).
    Per pass: per-block digit histograms, a scan of the (block, digit) counts, a stable scatter;
    passes above the largest key's bit length, and passes where all keys share the digit, are
    skipped. keys: 1-d integer array (int64 is read without a copy), all >= 0 (ValueError
    otherwise). Returns (sorted_keys, order): new int64 arrays, sorted_keys == keys[order], order
    stable (np.argsort(kind='stable')). Empty in, two empty arrays out.
    """
    n = keys.shape[0]
    if n == 0:
        return empty(0, np.int64), empty(0, np.int64)
    if reduce_min(keys) < 0:
        raise ValueError("radix_sort: keys must be non-negative")
    return _radix_core(as_int64(keys), _bit_length(reduce_max(keys)), True)


@numba.njit(parallel=True, cache=True)
def _adjacent_differ(s):
    n = s.shape[0]
    flags = empty(n, np.bool_)
    for i in numba.prange(n):
        j = np.int64(i)
        flags[j] = j == 0 or s[j] != s[j - 1]
    return flags


@numba.njit(parallel=True, cache=True)
def unique(x):
    """Sorted distinct values of an int64 array (np.unique).

    Work: O(n * b/8) where b is the bit length of max(x) - min(x). Span: O((n/p + 256 p) * b/8).
    Radix sorts x - min(x) (read as unsigned, so any int64 range works), then packs the first of
    each run of equal values. x: 1-d int64 array. Returns a new int64 array; empty in, empty out.
    """
    n = x.shape[0]
    if n == 0:
        return empty(0, np.int64)
    mn = np.int64(reduce_min(x))
    shifted = empty(n, np.int64)
    for i in numba.prange(n):
        shifted[i] = np.int64(x[i]) - mn
    n_bits = 64 if reduce_min(shifted) < 0 else _bit_length(reduce_max(shifted))
    s, _ = _radix_core(shifted, n_bits, False)
    out = pack(s, _adjacent_differ(s))
    for i in numba.prange(out.shape[0]):
        out[i] += mn
    return out


# ---------------------------------------------------------------- merging (co-ranking)


@numba.njit(cache=True)
def _le(x, y):
    # x <= y in numpy's sort order, where NaN is larger than everything
    return x <= y or y != y


@numba.njit(cache=True)
def _corank(k, a, a_lo, a_hi, b, b_lo, b_hi):
    """How many of the first k merged elements come from a[a_lo:a_hi] (ties: a first)."""
    na = a_hi - a_lo
    nb = b_hi - b_lo
    lo = max(np.int64(0), k - nb)
    hi = min(k, na)
    while lo < hi:
        mid = (lo + hi) // 2
        if _le(a[a_lo + mid], b[b_lo + k - mid - 1]):
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True)
def _merge_span(a, i, a_hi, b, j, b_hi, out, lo, hi):
    """Write out[lo:hi] by merging a[i:a_hi] and b[j:b_hi] from the given starting points."""
    for k in range(lo, hi):
        if j < b_hi and (i >= a_hi or not _le(a[i], b[j])):
            out[k] = b[j]
            j += 1
        else:
            out[k] = a[i]
            i += 1


@numba.njit(parallel=True, cache=True)
def merge(a, b):
    """Stable merge of two sorted 1-d arrays (np.sort(np.concatenate((a, b)), kind='stable')).

    Work: O(n + p log n). Span: O(n/p + log n): the output is cut into equal blocks and each block
    finds its starting points in a and b by binary search (co-ranking). a, b: sorted 1-d arrays of
    the same dtype (NaN last, as numpy sorts them). Returns a new array of a's dtype; on ties a's
    elements come first. Empty inputs are fine.
    """
    na = a.shape[0]
    nb = b.shape[0]
    n = na + nb
    out = empty(n, a.dtype)
    blocks = block_count(n)
    for c in numba.prange(blocks):
        lo, hi = block_bounds(c, n, blocks)
        i = _corank(lo, a, 0, na, b, 0, nb)
        _merge_span(a, i, na, b, lo - i, nb, out, lo, hi)
    return out


SIGN = np.int64(-(2**63))


@numba.njit(parallel=True, cache=True)
def sort_floats(x):
    """Sorted copy of a float array (np.sort), by LSD radix sort of order-preserving bit patterns.

    Work: O(8n). Span: O(8 (n/p + 256 p)).
    Each float's bits become an int64 that orders like the floats when read as unsigned (positive:
    sign bit set; negative: all bits flipped; NaN: the largest pattern), the keys are radix sorted
    (8-bit digits, passes where all keys share the digit skipped) and mapped back.
    x: 1-d float array. Returns a new float64 array with NaNs last, as numpy sorts (their payloads
    are not kept; -0.0 comes before 0.0). Empty in, empty out.
    """
    n = x.shape[0]
    floats = empty(n, np.float64)
    for i in numba.prange(n):
        v = np.float64(x[i])
        floats[i] = v if v == v else np.nan
    bits = floats.view(np.int64)
    for i in numba.prange(n):
        b = bits[i]
        bits[i] = ~b if b < 0 else b | SIGN
    s, _ = _radix_core(bits, 64, False)
    for i in numba.prange(n):
        b = s[i]
        s[i] = b ^ SIGN if b < 0 else ~b
    return s.view(np.float64)


@numba.njit(parallel=True, cache=True)
def argsort_floats(x):
    """The stable order that sorts a float array (np.argsort(x, kind='stable')), by LSD radix sort
    of order-preserving bit patterns.

    Work: O(8n). Span: O(8 (n/p + 256 p)).
    The keys are those of sort_floats, with -0.0 read as 0.0 and every NaN as one NaN, so that
    equal values keep their index order as numpy's stable sort keeps them (NaNs last).
    x: 1-d float (or integer) array. Returns a new int64 array `order` with x[order] sorted.
    Empty in, empty out.
    """
    n = x.shape[0]
    floats = empty(n, np.float64)
    for i in numba.prange(n):
        v = np.float64(x[i])
        if v != v:
            v = np.nan
        elif v == 0.0:
            v = 0.0  # -0.0 equals 0.0: one key, so ties keep their order
        floats[i] = v
    bits = floats.view(np.int64)
    for i in numba.prange(n):
        b = bits[i]
        bits[i] = ~b if b < 0 else b | SIGN
    _, order = _radix_core(bits, 64, True)
    return order


# ---------------------------------------------------------------- counting sort, permutation


@numba.njit(parallel=True, cache=True)
def group_by_key(keys, n_keys):
    """Stable counting sort of small keys into CSR groups.

    Work: O(n + p * n_keys). Span: O(n/p + n_keys).
    keys: 1-d integer array with every key in [0, n_keys) (ValueError otherwise). Returns
    (offsets, order): offsets is int64 of length n_keys + 1, and order[offsets[k]:offsets[k+1]]
    are the indices i with keys[i] == k in increasing order (so order is a stable argsort).
    Empty keys give offsets of zeros and an empty order.
    """
    n = keys.shape[0]
    counts = _private_counts(keys, n_keys)
    blocks = counts.shape[0]
    chunks = block_count(n_keys, 64)
    totals = np.zeros(n_keys, np.int64)
    for c in numba.prange(chunks):
        lo, hi = block_bounds(c, n_keys, chunks)
        for r in range(blocks):
            for k in range(lo, hi):
                totals[k] += counts[r, k]
    starts, total = exclusive_sum_serial(totals)
    offsets = empty(n_keys + 1, np.int64)
    offsets[:n_keys] = starts
    offsets[n_keys] = total
    # counts[r, k] becomes the first output slot of key k in block r
    for c in numba.prange(chunks):
        lo, hi = block_bounds(c, n_keys, chunks)
        for k in range(lo, hi):
            run = offsets[k]
            for r in range(blocks):
                here = counts[r, k]
                counts[r, k] = run
                run += here
    order = empty(n, np.int64)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        pos = counts[b]
        y = keys[lo:hi]
        for i in range(y.shape[0]):
            k = np.int64(y[i])
            order[pos[k]] = lo + i
            pos[k] += 1
    return offsets, order


@numba.njit(parallel=True, cache=True)
def random_permutation(n, seed):
    """A uniformly random permutation of range(n), the same for a seed whatever the thread count.

    Work: O(n). Span: O(n/p + n_buckets) with about n/1024 buckets.
    Every element draws a random bucket from a counter-based hash of (seed, index); a stable
    counting sort groups the buckets, then each bucket is Fisher-Yates shuffled with its own
    counter-based stream. Independent uniform buckets followed by uniform shuffles within buckets
    give a uniform permutation. n >= 0, seed: any int. Returns an int64 array (empty for n == 0).
    """
    n = np.int64(n)
    if n < 0:
        raise ValueError("random_permutation: n must be >= 0")
    s = np.uint64(np.int64(seed) & 0x7FFFFFFFFFFFFFFF)
    n_buckets = np.int64(max(1, n // 1024))
    nb = np.uint64(n_buckets)
    buckets = empty(n, np.int64)
    for i in numba.prange(n):
        buckets[i] = np.int64((mix64(s, i) >> np.uint64(11)) % nb)
    offsets, order = group_by_key(buckets, n_buckets)
    s2 = mix64(s, np.uint64(0xD1B54A32D192ED03))
    for bucket in numba.prange(n_buckets):
        g = np.int64(bucket)
        lo = offsets[g]
        hi = offsets[g + 1]
        for j in range(lo, hi - 1):
            r = mix64(s2, np.uint64(j))
            k = j + np.int64(r % np.uint64(hi - j))
            t = order[j]
            order[j] = order[k]
            order[k] = t
    return order
