"""Shared pieces of the primitives: block partitioning, op codes, op identities and allocation.

Large arrays are allocated through `empty` (and `zeros`, `full`, `copy`), not np.empty: numpy asks
Linux for transparent huge pages on big allocations (madvise), numba's allocator does not, and
without them the first touch of an 80 MB output costs about 30 ms of page faults on these
machines: more than a serial scan of it. `empty` makes the same request numpy makes.
"""

from __future__ import annotations

import sys

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic, overload

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


@numba.njit(cache=True, fastmath={"reassoc"})
def fold(x, lo, hi, op, acc):
    """acc op x[lo] op ... op x[hi - 1] for op ADD, MAX or MIN; sums may be reassociated (vectorised)."""
    # a fresh slice indexed from 0 is the loop shape LLVM vectorises (range(lo, hi) is not)
    y = x[lo:hi]
    if op == ADD:
        for i in range(y.shape[0]):
            acc += y[i]
    elif op == MAX:
        for i in range(y.shape[0]):
            if y[i] > acc:
                acc = y[i]
    else:
        for i in range(y.shape[0]):
            if y[i] < acc:
                acc = y[i]
    return acc


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


_MADV_HUGEPAGE = 14  # Linux only; elsewhere the hint is not emitted at all
_HUGE_HINT_BYTES = 4 << 20  # numpy's threshold for the same hint


@intrinsic
def _hint_huge_pages(typingctx, addr, nbytes):
    """madvise(addr, nbytes, MADV_HUGEPAGE) on Linux (a hint: its result is ignored); no-op elsewhere."""
    sig = types.void(types.uintp, types.uintp)

    def codegen(context, builder, signature, args):
        if sys.platform.startswith("linux"):
            i8p = ir.IntType(8).as_pointer()
            fnty = ir.FunctionType(ir.IntType(32), [i8p, ir.IntType(64), ir.IntType(32)])
            madvise = cgutils.get_or_insert_function(builder.module, fnty, "madvise")
            advice = ir.Constant(ir.IntType(32), _MADV_HUGEPAGE)
            builder.call(madvise, [builder.inttoptr(args[0], i8p), args[1], advice])
        return context.get_dummy_value()

    return sig, codegen


@numba.njit(cache=True)
def empty(shape, dtype):
    """np.empty(shape, dtype), with numpy's transparent-huge-page hint when it is 4 MiB or more."""
    a = np.empty(shape, dtype)
    nbytes = a.size * a.itemsize
    if nbytes >= _HUGE_HINT_BYTES:
        page = np.uintp(4095)
        start = (a.ctypes.data + page) & ~page
        end = (a.ctypes.data + np.uintp(nbytes)) & ~page
        if end > start:
            _hint_huge_pages(start, end - start)
    return a


@numba.njit(parallel=True, cache=True)
def full(shape, value, dtype):
    """np.full(shape, value, dtype) through `empty`, filled in parallel. Call it outside prange."""
    a = empty(shape, dtype)
    flat = a.reshape(a.size)
    for i in numba.prange(flat.shape[0]):
        flat[i] = value
    return a


@numba.njit(cache=True)
def zeros(shape, dtype):
    """np.zeros(shape, dtype) through `empty` (see `full`)."""
    return full(shape, 0, dtype)


@numba.njit(parallel=True, cache=True)
def copy(a):
    """A C-contiguous 1-d copy of a 1-d array through `empty`, copied in parallel. Call it outside prange."""
    out = empty(a.shape[0], a.dtype)
    for i in numba.prange(a.shape[0]):
        out[i] = a[i]
    return out


@numba.njit(cache=True)
def mix64(seed, i):
    """splitmix64 of (seed, i): a counter-based random 64-bit value."""
    z = np.uint64(seed) + (np.uint64(i) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))
