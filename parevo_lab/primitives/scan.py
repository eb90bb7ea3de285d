"""Prefix scans (inclusive and exclusive) under +, max or min.

The op is one of the module constants ADD, MAX, MIN. Both scans are blocked two-pass: each block
reduces its slice, the block totals are scanned serially, then each block rescans its slice
starting from its carry. The output is a new array of x's dtype.
"""

from __future__ import annotations

import numba

from ._util import ADD, MAX, MIN, block_bounds, block_count, empty, fold, identity

__all__ = ["ADD", "MAX", "MIN", "inclusive_scan", "exclusive_scan"]


@numba.njit(cache=True)
def _scan_block(x, out, lo, hi, op, carry, inclusive):
    y = x[lo:hi]
    o = out[lo:hi]
    acc = carry
    if op == ADD:
        if inclusive:
            for i in range(y.shape[0]):
                acc += y[i]
                o[i] = acc
        else:
            for i in range(y.shape[0]):
                o[i] = acc
                acc += y[i]
    elif op == MAX:
        for i in range(y.shape[0]):
            if not inclusive:
                o[i] = acc
            if y[i] > acc:
                acc = y[i]
            if inclusive:
                o[i] = acc
    else:
        for i in range(y.shape[0]):
            if not inclusive:
                o[i] = acc
            if y[i] < acc:
                acc = y[i]
            if inclusive:
                o[i] = acc


@numba.njit(parallel=True, cache=True)
def _scan(x, op, inclusive):
    if op != ADD and op != MAX and op != MIN:
        raise ValueError("op must be ADD, MAX or MIN")
    n = x.shape[0]
    out = empty(n, x.dtype)
    if n == 0:
        return out
    ident = identity(x, op)
    blocks = block_count(n)
    totals = empty(blocks, x.dtype)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        totals[b] = fold(x, lo, hi, op, ident)
    carries = empty(blocks, x.dtype)
    acc = ident
    for b in range(blocks):
        carries[b] = acc
        acc = fold(totals, b, b + 1, op, acc)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        _scan_block(x, out, lo, hi, op, carries[b], inclusive)
    return out


@numba.njit(cache=True)
def inclusive_scan(x, op=ADD):
    """Inclusive prefix scan: out[i] = x[0] op x[1] op ... op x[i].

    Work: O(n). Span: O(n/p + p).
    x: 1-d int64 or float64 array; op: ADD (default), MAX or MIN from this module. Returns a new
    array of x's dtype (ADD on integers wraps on overflow like np.cumsum). Empty in, empty out.
    """
    return _scan(x, op, True)


@numba.njit(cache=True)
def exclusive_scan(x, op=ADD):
    """Exclusive prefix scan: out[0] = identity, out[i] = x[0] op ... op x[i-1].

    Work: O(n). Span: O(n/p + p).
    x: 1-d int64 or float64 array; op: ADD (default), MAX or MIN from this module. The identity is
    0 for ADD, -inf (floats) or the dtype's minimum (ints) for MAX, +inf or the dtype's maximum for
    MIN. Returns a new array of x's dtype. Empty in, empty out.
    """
    return _scan(x, op, False)
