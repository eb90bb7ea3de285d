"""Selection: the k-th smallest element by parallel radix selection."""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import overload

from ._util import block_bounds, block_count, empty
from .pack import pack
from .reduce import reduce_max, reduce_min

DIGIT = 11  # bits of the spread each round resolves
BINS = 1 << DIGIT
FLIP = np.int64(0x7FFFFFFFFFFFFFFF)  # a negative float's bits, flipped but for the sign


@numba.njit(parallel=True, cache=True)
def _float_keys(x):
    n = x.shape[0]
    values = empty(n, np.float64)
    for i in numba.prange(n):
        v = np.float64(x[i])
        if v != v:
            v = np.nan  # one NaN pattern: positive, above every number's key
        elif v == 0.0:
            v = 0.0  # -0.0 and 0.0: one key, as they compare equal
        values[i] = v
    keys = values.view(np.int64)
    for i in numba.prange(n):
        b = keys[i]
        if b < 0:
            keys[i] = b ^ FLIP
    return keys


def _keys(x):
    """int64 keys that order as x does (signed): integers as they are, floats' bit patterns."""


@overload(_keys)
def _keys_impl(x):
    if isinstance(x.dtype, types.Float):
        return lambda x: _float_keys(x)
    if x.dtype == types.int64:
        return lambda x: x
    return lambda x: x.astype(np.int64)


def _value(key, x):
    """The element of x's kind that ``key`` stands for (int64 for integers, float64 for floats)."""


@overload(_value)
def _value_impl(key, x):
    if isinstance(x.dtype, types.Float):

        def float_value(key, x):
            b = key ^ FLIP if key < 0 else key
            return np.array([b]).view(np.float64)[0]

        return float_value
    return lambda key, x: key


@numba.njit(parallel=True, cache=True)
def _bucket_counts(candidates, low, shift, blocks):
    n = candidates.shape[0]
    counts = np.zeros((blocks, BINS), np.int64)
    base = np.uint64(low)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        row = counts[b]
        y = candidates[lo:hi]
        for i in range(y.shape[0]):
            row[np.int64((np.uint64(y[i]) - base) >> np.uint64(shift))] += 1
    return counts


@numba.njit(parallel=True, cache=True)
def _in_bucket(candidates, low, shift, bucket):
    n = candidates.shape[0]
    keep = empty(n, np.bool_)
    base = np.uint64(low)
    for i in numba.prange(n):
        keep[i] = ((np.uint64(candidates[i]) - base) >> np.uint64(shift)) == bucket
    return keep


@numba.njit(cache=True)
def _select(keys, rank):
    candidates = keys
    want = rank
    while True:
        low, high = reduce_min(candidates), reduce_max(candidates)
        if low == high:
            return low
        spread = np.uint64(high) - np.uint64(low)  # as unsigned: any int64 range fits
        bits = 0
        while spread > 0:
            bits += 1
            spread >>= np.uint64(1)
        shift = max(0, bits - DIGIT)
        blocks = block_count(candidates.shape[0])
        counts = _bucket_counts(candidates, low, shift, blocks)
        bucket = 0
        for d in range(BINS):
            size = 0
            for b in range(blocks):
                size += counts[b, d]
            if want < size:
                bucket = d
                break
            want -= size
        candidates = pack(candidates, _in_bucket(candidates, low, shift, bucket))


@numba.njit(cache=True)
def kth_smallest(x, rank):
    """The element of rank ``rank`` (0-based) in increasing order: np.sort(x)[rank].

    Work: O(n + p 2^11) per round, about O(n) in all. Span: O(n/p + 2^11 p) per round.
    Radix selection: a round takes the candidates' minimum and maximum, counts them per block in
    2^11 buckets of the top 11 bits of their spread, keeps (packs) the bucket that holds the
    wanted rank and makes the rank relative to it; every round resolves 11 bits of spread and
    the search ends when all candidates are equal, so 16-bit values take two rounds, any int64
    at most six. x: 1-d integer or float array (floats compare by value: -0.0 equals 0.0, NaNs
    come after every number, as np.sort puts them). rank: in [0, len(x)) (ValueError
    otherwise). Returns an int64 for integer x, a float64 for float x.
    """
    n = x.shape[0]
    if rank < 0 or rank >= n:
        raise ValueError("kth_smallest: rank must be in [0, len(x))")
    return _value(_select(_keys(x), rank), x)
