"""The traced replay's runtime: each prange loop entry's footprint of distinct 64-byte lines.

In the traced rewrite (instrument.py) every element load ``a[i]`` / ``a[i, j]`` of an outermost
prange loop's body becomes ``_pf.load(a, i, *state)`` and each element store or update is
preceded by ``_pf.mark(a, i, *state)``, which put the element's cache line in an open-addressing
set (a store in a second set too: the lines written); at the loop's exit ``close`` records both
sets' sizes for the entry and empties them. A slice or a view touches no memory until its elements are
read (under the view's own name, traced then); an index by an array (a gather) is not traced
and is counted in ``untraced``. The footprint, not the access count, is what a loop moves from
memory once it outgrows the cache: a loop re-reading a small table hits the cache.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import overload

BITS = 20  # 1M slots: past 70% full the set samples lines (see _add)
SLOTS = 1 << BITS
LINE_SHIFT = 6  # 64-byte cache lines
MAX_ENTRIES = 1 << 14


def _set() -> tuple[np.ndarray, np.ndarray]:
    table = np.full(SLOTS + 2, -1, np.int64)
    table[SLOTS] = 0
    table[SLOTS + 1] = 0
    return table, np.zeros(SLOTS, np.int64)


def new_state() -> tuple[np.ndarray, ...]:
    """Two sets of lines (each: slots, then count and sampling level; and its used slots): every
    line touched, and the lines written; then the per-entry output rows (row 0: rows used,
    untraced accesses; then loop id, distinct lines, distinct lines written)."""
    return (*_set(), *_set(), np.zeros((MAX_ENTRIES + 1, 3), np.int64))


@numba.njit(cache=True)
def _hash(line):
    return np.uint64(line) * np.uint64(0x9E3779B97F4A7C15)


@numba.njit(cache=True)
def _insert(table, used, line, h):
    count = table[SLOTS]
    i = np.int64((h >> np.uint64(16)) & np.uint64(SLOTS - 1))
    while True:
        held = table[i]
        if held == line:
            return
        if held == -1:
            table[i] = line
            used[count] = i
            table[SLOTS] = count + 1
            return
        i = (i + 1) & (SLOTS - 1)


@numba.njit(cache=True)
def _add(table, used, address):
    """Put ``address``'s line in the set. Past 70% full, only lines whose hash starts with
    one more zero bit are kept (adaptive sampling: the distinct count is the set's size times
    2 ** level, an unbiased estimate)."""
    line = address >> LINE_SHIFT
    h = _hash(line)
    level = table[SLOTS + 1]
    if level > 0 and (h >> np.uint64(64 - level)) != 0:
        return
    _insert(table, used, line, h)
    if table[SLOTS] >= SLOTS * 7 // 10:
        level += 1
        table[SLOTS + 1] = level
        count = table[SLOTS]
        kept = np.empty(count, np.int64)
        k = 0
        for n in range(count):
            held = table[used[n]]
            if (_hash(held) >> np.uint64(64 - level)) == 0:
                kept[k] = held
                k += 1
            table[used[n]] = -1
        table[SLOTS] = 0
        for n in range(k):
            _insert(table, used, kept[n], _hash(kept[n]))


def _touch(a, idx, written, table, used, wtable, wused, out):
    """Put the line of element ``a[idx]`` in the set (and in the written set when
    ``written``); typed by the overload below."""


def _element(a, idx):
    """``a[idx]``'s address: ``idx`` a tuple of integers, one per dimension, wrapped like
    numpy wraps a negative index."""
    address = np.int64(a.ctypes.data)  # uintp + int64 would be a float in numba
    for k in range(len(idx)):
        i = idx[k]
        if i < 0:
            i += a.shape[k]
        address += i * a.strides[k]
    return address


_element_jit = numba.njit(_element)


@overload(_touch)
def _touch_typed(a, idx, written, table, used, wtable, wused, out):
    if isinstance(a, types.Array):
        if isinstance(idx, types.Integer) and a.ndim == 1:

            def one(a, idx, written, table, used, wtable, wused, out):
                address = _element_jit(a, (idx,))
                _add(table, used, address)
                if written:
                    _add(wtable, wused, address)

            return one
        if (
            isinstance(idx, types.UniTuple)
            and isinstance(idx.dtype, types.Integer)
            and idx.count == a.ndim
        ):

            def element(a, idx, written, table, used, wtable, wused, out):
                address = _element_jit(a, idx)
                _add(table, used, address)
                if written:
                    _add(wtable, wused, address)

            return element
        parts = idx.types if isinstance(idx, types.BaseTuple) else (idx,)
        if any(isinstance(p, types.Array) for p in parts):  # a gather or scatter: not followed

            def counted(a, idx, written, table, used, wtable, wused, out):
                out[0, 1] += 1

            return counted
    # a slice or a row (a view: no memory touched yet), or not an array
    return lambda a, idx, written, table, used, wtable, wused, out: None


@numba.njit(cache=True)
def load(a, idx, table, used, wtable, wused, out):
    """``a[idx]``, its line put in the set."""
    _touch(a, idx, False, table, used, wtable, wused, out)
    return a[idx]


@numba.njit(cache=True)
def mark(a, idx, table, used, wtable, wused, out):
    """Before ``a[idx] = ...``: its line put in both sets."""
    _touch(a, idx, True, table, used, wtable, wused, out)


@numba.njit(cache=True)
def _size_and_clear(table, used):
    count = table[SLOTS]
    size = count << table[SLOTS + 1]
    for k in range(count):
        table[used[k]] = -1
    table[SLOTS] = 0
    table[SLOTS + 1] = 0
    return size


@numba.njit(cache=True)
def close(table, used, wtable, wused, out, loop):
    """The end of one entry of ``loop``: record its distinct lines and distinct lines written
    (estimated when sampled) and empty both sets."""
    lines = _size_and_clear(table, used)
    written = _size_and_clear(wtable, wused)
    row = out[0, 0] + 1
    if row < out.shape[0]:
        out[0, 0] = row
        out[row, 0] = loop
        out[row, 1] = lines
        out[row, 2] = written
