"""Reductions: sum, min, max, argmin, argmax."""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import overload

from ._util import block_bounds, block_count, empty


@numba.njit(parallel=True, cache=True, fastmath={"reassoc"})
def reduce_sum(x):
    """Sum of a 1-d array.

    Work: O(n). Span: O(n/p + log p).
    x: 1-d int or float array. Returns a scalar (int64 for integer input, float64 for float input);
    0 for an empty array. Float sums are reassociated (vectorised, split across threads), so the
    rounding differs from np.sum's pairwise sum.
    """
    s = 0
    for i in numba.prange(x.shape[0]):
        s += x[i]
    return s


@numba.njit(parallel=True, cache=True)
def reduce_min(x):
    """Smallest element of a 1-d array.

    Work: O(n). Span: O(n/p + p).
    x: 1-d int or float array, not empty (ValueError otherwise). NaN is not handled (np.min returns
    NaN when there is one; here the result is then unspecified).
    """
    n = x.shape[0]
    if n == 0:
        raise ValueError("reduce_min of an empty array")
    blocks = block_count(n)
    partial = empty(blocks, x.dtype)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        partial[b] = _block_min(x, lo, hi)
    return _block_min(partial, 0, blocks)


@numba.njit(parallel=True, cache=True)
def reduce_max(x):
    """Largest element of a 1-d array.

    Work: O(n). Span: O(n/p + p).
    x: 1-d int or float array, not empty (ValueError otherwise). NaN is not handled (np.max returns
    NaN when there is one; here the result is then unspecified).
    """
    n = x.shape[0]
    if n == 0:
        raise ValueError("reduce_max of an empty array")
    blocks = block_count(n)
    partial = empty(blocks, x.dtype)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        partial[b] = _block_max(x, lo, hi)
    return _block_max(partial, 0, blocks)


_LOW63 = np.int64(0x7FFFFFFFFFFFFFFF)


def _block_min(x, lo, hi):
    """Smallest of x[lo:hi] (lo < hi), in a loop shape LLVM vectorises."""


def _block_max(x, lo, hi):
    """Largest of x[lo:hi] (lo < hi), in a loop shape LLVM vectorises."""


@numba.njit(cache=True)
def _ordered(bits):
    # float64 bits -> an int64 that orders like the float (an involution; NaN sorts outermost)
    return bits ^ ((bits >> 63) & _LOW63)


@numba.njit(cache=True)
def _from_ordered(v):
    tmp = empty(1, np.int64)
    tmp[0] = _ordered(v)
    return tmp.view(np.float64)[0]


def _extreme_impl(x, want_max):
    # contiguous float64: compare the bit patterns as ints (float compares do not vectorise here);
    # anything else: a fresh slice indexed from 0, the shape that vectorises for integers
    if x.dtype == types.float64 and x.layout == "C":
        if want_max:

            def impl(x, lo, hi):
                y = x.view(np.int64)[lo:hi]
                v = _ordered(y[0])
                for i in range(y.shape[0]):
                    t = _ordered(y[i])
                    if t > v:
                        v = t
                return _from_ordered(v)

        else:

            def impl(x, lo, hi):
                y = x.view(np.int64)[lo:hi]
                v = _ordered(y[0])
                for i in range(y.shape[0]):
                    t = _ordered(y[i])
                    if t < v:
                        v = t
                return _from_ordered(v)

        return impl
    if want_max:

        def impl(x, lo, hi):
            y = x[lo:hi]
            v = y[0]
            for i in range(y.shape[0]):
                if y[i] > v:
                    v = y[i]
            return v

    else:

        def impl(x, lo, hi):
            y = x[lo:hi]
            v = y[0]
            for i in range(y.shape[0]):
                if y[i] < v:
                    v = y[i]
            return v

    return impl


@overload(_block_min)
def _block_min_impl(x, lo, hi):
    return _extreme_impl(x, False)


@overload(_block_max)
def _block_max_impl(x, lo, hi):
    return _extreme_impl(x, True)


_ARG_CHUNK = 2048  # elements per chunk: the extreme of a chunk is found while it is in L1


@numba.njit(cache=True)
def _block_arg_extreme(x, lo, hi, want_max):
    """First position of the extreme of x[lo:hi] (lo < hi): a vectorised extreme per chunk, keeping
    the first chunk that holds the best value, then one scalar search inside that chunk only."""
    best_lo = lo
    best_hi = min(hi, lo + _ARG_CHUNK)
    v = _block_max(x, best_lo, best_hi) if want_max else _block_min(x, best_lo, best_hi)
    c = best_hi
    while c < hi:
        e = min(hi, c + _ARG_CHUNK)
        w = _block_max(x, c, e) if want_max else _block_min(x, c, e)
        if (w > v) if want_max else (w < v):  # strict: ties keep the earlier chunk
            v = w
            best_lo = c
            best_hi = e
        c = e
    k = best_lo
    while k < best_hi - 1 and x[k] != v:
        k += 1
    return k


@numba.njit(parallel=True, cache=True)
def _arg_extreme(x, want_max):
    n = x.shape[0]
    blocks = block_count(n)
    best = empty(blocks, np.int64)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        best[b] = _block_arg_extreme(x, lo, hi, want_max)
    k = best[0]
    for b in range(1, blocks):
        j = best[b]
        if (x[j] > x[k]) if want_max else (x[j] < x[k]):
            k = j
    return k


@numba.njit(cache=True)
def argmin(x):
    """Index of the smallest element (the first one on ties, like np.argmin).

    Work: O(n). Span: O(n/p + p).
    x: 1-d int or float array, not empty (ValueError otherwise). Returns an int64. NaN is not
    treated specially (np.argmin returns the first NaN).
    """
    if x.shape[0] == 0:
        raise ValueError("argmin of an empty array")
    return _arg_extreme(x, False)


@numba.njit(cache=True)
def argmax(x):
    """Index of the largest element (the first one on ties, like np.argmax).

    Work: O(n). Span: O(n/p + p).
    x: 1-d int or float array, not empty (ValueError otherwise). Returns an int64. NaN is not
    treated specially (np.argmax returns the first NaN).
    """
    if x.shape[0] == 0:
        raise ValueError("argmax of an empty array")
    return _arg_extreme(x, True)
