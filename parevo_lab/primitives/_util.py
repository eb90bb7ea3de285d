"""Shared pieces of the primitives: block partitioning, op codes and op identities."""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import overload

ADD = 0
MAX = 1
MIN = 2

BLOCK = 4096
MAX_BLOCKS = 256
PRIVATE_SHARE = 4


@numba.njit(cache=True)
def block_count(n, max_blocks=MAX_BLOCKS):
    """Number of blocks for n elements: about one per BLOCK elements, at least 1, at most max_blocks."""
    return np.int64(max(1, min(max_blocks, (n + BLOCK - 1) // BLOCK)))


@numba.njit(cache=True)
def block_bounds(b, n, blocks):
    """Half-open range [lo, hi) of block b when n elements are cut into `blocks` equal blocks."""
    b = np.int64(b)
    return (b * n) // blocks, ((b + 1) * n) // blocks


def lowest(a):
    """Identity of MAX for a's dtype: -inf for floats, the smallest value for integers."""


def highest(a):
    """Identity of MIN for a's dtype: +inf for floats, the largest value for integers."""


@overload(lowest)
def _lowest(a):
    dt = a.dtype
    if isinstance(dt, types.Integer):
        v = np.iinfo(np.dtype(str(dt))).min
        return lambda a: v
    return lambda a: -np.inf


@overload(highest)
def _highest(a):
    dt = a.dtype
    if isinstance(dt, types.Integer):
        v = np.iinfo(np.dtype(str(dt))).max
        return lambda a: v
    return lambda a: np.inf


@numba.njit(cache=True)
def identity(a, op):
    """Identity of `op` (ADD, MAX or MIN) in a's dtype."""
    out = np.zeros(1, a.dtype)
    if op == MAX:
        out[0] = lowest(a)
    elif op == MIN:
        out[0] = highest(a)
    return out[0]


@numba.njit(cache=True)
def exclusive_sum_serial(counts):
    """Exclusive prefix sum of a short int64 array, and its total."""
    out = np.empty(counts.shape[0], np.int64)
    total = np.int64(0)
    for i in range(counts.shape[0]):
        out[i] = total
        total += counts[i]
    return out, total


@numba.njit(cache=True)
def private_rows(n, n_bins):
    """Rows of a privatised table of n_bins counters: a power of two (so equal thread counts split
    them evenly), at most 64, at most one per BLOCK elements, and no more private counters than
    about n / PRIVATE_SHARE (plus 64 Ki): zeroing and merging rows must not cost more than counting."""
    cap = max(1, min(block_count(n, 64), (n // PRIVATE_SHARE + 65536) // max(1, n_bins)))
    rows = np.int64(1)
    while rows * 2 <= cap:
        rows *= 2
    return rows


def as_int64(a):
    """a itself when it is already an int64 array, else an int64 copy."""


@overload(as_int64)
def _as_int64(a):
    if a.dtype == types.int64:
        return lambda a: a
    return lambda a: a.astype(np.int64)
