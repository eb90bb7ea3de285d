"""Shadow memory for the race replay: numba-compiled helpers the instrumented kernel calls.

All iterations of one ``prange`` loop are logically parallel, so one *serial* run that tags each
access with its iteration finds every conflict the input exercises, whatever the schedule. The
shadow is keyed by element address inside the buffers registered at loop entry, so views, slices
and aliased arguments of one buffer meet in the same slots. Per slot (one per element):

    0 last writer iteration   1 its site
    2 last reader iteration   3 its site
    4 an earlier reader from another iteration than (2)   5 its site

Two readers suffice: a write conflicts with *some* other iteration's read iff (2) or (4) is another
iteration. State travels as a tuple ``(counts[3, S, S], examples[E, W], meta[M], bounds[L, 2])``.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import overload

WRITE_WRITE, READ_WRITE, WRITE_READ = 0, 1, 2
KINDS = ("write-write", "read-write", "write-read")
EXAMPLES_PER_PAIR = 3
EXAMPLE_WIDTH = 11  # kind, site_a, site_b, iter_a, iter_b, loop, ndim, i0, i1, i2, array site
META_EXAMPLES, META_LAST_SITE, META_LAST_ITER, META_DROPPED = 0, 1, 2, 3
SLOT_FIELDS = 6


MAX_SLOTS = 1 << 23  # 8M elements (384 MiB of shadow): the replay runs on check-size inputs


def new_state(n_sites: int, n_loops: int, max_examples: int = 512):
    counts = np.zeros((3, max(n_sites, 1), max(n_sites, 1)), np.int64)
    examples = np.zeros((max_examples, EXAMPLE_WIDTH), np.int64)
    meta = np.zeros(8, np.int64)
    bounds = np.zeros((max(n_loops, 1), 2), np.int64)  # each loop's range, for the chunk columns
    return counts, examples, meta, bounds


# ------------------------------------------------------------------ registration at loop entry


@numba.njit(inline="always")
def _address(a):
    # ctypes.data is unsigned: mixed with signed offsets numba would compute in floats
    return np.int64(a.ctypes.data)


def extent(a):
    pass


@overload(extent)
def _extent(a):
    """(lo, hi, itemsize) of the bytes ``a`` spans; (0, 0, 0) for anything that is no array."""
    if not isinstance(a, types.Array):
        return lambda a: (0, 0, 0)

    def impl(a):
        if a.size == 0:
            return 0, 0, 0
        lo = _address(a)
        hi = _address(a)
        for d in range(a.ndim):
            span = (a.shape[d] - 1) * a.strides[d]
            if span < 0:
                lo += span
            else:
                hi += span
        return lo, hi + a.itemsize, a.itemsize

    return impl


@numba.njit(cache=True)
def begin(extents, written):
    """Merge the registered extents into regions and allocate their shadow.

    ``extents``: k x 3 (lo, hi, itemsize); ``written``: k booleans. Returns (regions, slots,
    tracked) where regions is r x 4 (lo, hi, granule, first slot) and tracked[j] says whether
    array j needs its reads recorded (it is written, or overlaps a written array)."""
    k = extents.shape[0]
    order = np.argsort(extents[:, 0])
    regions = np.zeros((k, 4), np.int64)
    r = -1
    for j in order:
        lo, hi, size = extents[j, 0], extents[j, 1], extents[j, 2]
        if hi <= lo:
            continue
        if r >= 0 and lo < regions[r, 1]:
            regions[r, 1] = max(regions[r, 1], hi)
            regions[r, 2] = min(regions[r, 2], size)
        else:
            r += 1
            regions[r, 0], regions[r, 1], regions[r, 2] = lo, hi, size
    regions = regions[: r + 1]
    total = 0
    for q in range(regions.shape[0]):
        regions[q, 3] = total
        total += (regions[q, 1] - regions[q, 0] + regions[q, 2] - 1) // regions[q, 2]
    if total > MAX_SLOTS:
        raise MemoryError("race replay: the shadow of these arrays would exceed its bound")
    slots = np.full((total, SLOT_FIELDS), -1, np.int64)
    tracked = np.zeros(k, np.bool_)
    for j in range(k):
        if written[j]:
            tracked[j] = True
            continue
        for w in range(k):
            if written[w] and extents[j, 0] < extents[w, 1] and extents[w, 0] < extents[j, 1]:
                tracked[j] = True
    return regions, slots, tracked


# ------------------------------------------------------------------ one access


@numba.njit(inline="always")
def _slot(regions, addr):
    for q in range(regions.shape[0]):
        if regions[q, 0] <= addr < regions[q, 1]:
            return regions[q, 3] + (addr - regions[q, 0]) // regions[q, 2]
    return -1  # private memory (allocated in the loop body): no other iteration can see it


@numba.njit
def _conflict(state, kind, site_a, site_b, iter_a, iter_b, loop, ndim, i0, i1, i2):
    counts, examples, meta = state[0], state[1], state[2]
    counts[kind, site_a, site_b] += 1
    if counts[kind, site_a, site_b] <= EXAMPLES_PER_PAIR:
        n = meta[META_EXAMPLES]
        if n < examples.shape[0]:
            row = examples[n]
            row[0], row[1], row[2], row[3], row[4] = kind, site_a, site_b, iter_a, iter_b
            row[5], row[6], row[7], row[8], row[9] = loop, ndim, i0, i1, i2
            meta[META_EXAMPLES] = n + 1
        else:
            meta[META_DROPPED] += 1


@numba.njit
def _touch(state, shadow, addr, is_read, is_write, site, it, loop, ndim, i0, i1, i2):
    regions, slots = shadow
    s = _slot(regions, addr)
    if s < 0:
        return
    w = slots[s, 0]
    if is_read:
        if w != -1 and w != it:
            _conflict(state, WRITE_READ, slots[s, 1], site, w, it, loop, ndim, i0, i1, i2)
    if is_write:
        if w != -1 and w != it:
            _conflict(state, WRITE_WRITE, slots[s, 1], site, w, it, loop, ndim, i0, i1, i2)
        r = slots[s, 2]
        if r != -1 and r != it:
            _conflict(state, READ_WRITE, slots[s, 3], site, r, it, loop, ndim, i0, i1, i2)
        elif slots[s, 4] != -1 and slots[s, 4] != it:
            _conflict(state, READ_WRITE, slots[s, 5], site, slots[s, 4], it, loop, ndim, i0, i1, i2)
        slots[s, 0] = it
        slots[s, 1] = site
    if is_read and slots[s, 2] != it:
        slots[s, 4] = slots[s, 2]
        slots[s, 5] = slots[s, 3]
        slots[s, 2] = it
        slots[s, 3] = site


def record(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
    pass


@overload(record)
def _record(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
    """Record one subscript access ``a[idx]``: one element, or every element it covers."""
    return _as_impl(_choose(a, idx))


def _choose(a, idx):
    if not isinstance(a, types.Array):
        return _nothing
    if isinstance(idx, types.Integer):
        return _scalar_1d if a.ndim == 1 else _view
    if isinstance(idx, types.BaseTuple) and all(isinstance(t, types.Integer) for t in idx.types):
        if len(idx.types) == a.ndim == 1:
            return _scalar_tuple_1d
        if len(idx.types) == a.ndim == 2:
            return _scalar_2d
        if len(idx.types) == a.ndim == 3:
            return _scalar_3d
    if isinstance(idx, types.Array) and isinstance(idx.dtype, types.Integer) and a.ndim == 1:
        return _gather_1d
    return _view


def _as_impl(helper):
    def impl(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
        helper(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write)

    return impl


@numba.njit(inline="always")
def _nothing(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
    return None


@numba.njit(inline="always")
def _element(a, i, d):
    return i + a.shape[d] if i < 0 else i


@numba.njit(inline="always")
def _scalar_1d(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
    if tracked:
        i = _element(a, idx, 0)
        state[2][META_LAST_SITE] = site
        addr = _address(a) + i * a.strides[0]
        _touch(state, shadow, addr, is_read, is_write, site, it, loop, 1, i, 0, 0)


@numba.njit(inline="always")
def _scalar_tuple_1d(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
    _scalar_1d(a, idx[0], tracked, state, shadow, site, it, loop, is_read, is_write)


@numba.njit(inline="always")
def _scalar_2d(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
    if tracked:
        i, j = _element(a, idx[0], 0), _element(a, idx[1], 1)
        state[2][META_LAST_SITE] = site
        addr = _address(a) + i * a.strides[0] + j * a.strides[1]
        _touch(state, shadow, addr, is_read, is_write, site, it, loop, 2, i, j, 0)


@numba.njit(inline="always")
def _scalar_3d(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
    if tracked:
        i, j, k = _element(a, idx[0], 0), _element(a, idx[1], 1), _element(a, idx[2], 2)
        state[2][META_LAST_SITE] = site
        addr = _address(a) + i * a.strides[0] + j * a.strides[1] + k * a.strides[2]
        _touch(state, shadow, addr, is_read, is_write, site, it, loop, 3, i, j, k)


@numba.njit
def _gather_1d(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
    if tracked:
        for q in range(idx.shape[0]):
            _scalar_1d(a, idx[q], tracked, state, shadow, site, it, loop, is_read, is_write)


@numba.njit
def _view(a, idx, tracked, state, shadow, site, it, loop, is_read, is_write):
    if not tracked:
        return
    v = a[idx]
    state[2][META_LAST_SITE] = site
    base = _address(a)
    for flat in range(v.size):
        addr = _address(v)
        rest = flat
        for d in range(v.ndim - 1, -1, -1):
            addr += (rest % v.shape[d]) * v.strides[d]
            rest //= v.shape[d]
        offset = (addr - base) // a.itemsize
        _touch(state, shadow, addr, is_read, is_write, site, it, loop, -1, offset, 0, 0)


def load(a, idx, tracked, state, shadow, site, it, loop):
    pass


@overload(load)
def _load(a, idx, tracked, state, shadow, site, it, loop):
    def impl(a, idx, tracked, state, shadow, site, it, loop):
        record(a, idx, tracked, state, shadow, site, it, loop, True, False)
        return a[idx]

    return impl


@numba.njit(inline="always")
def chunk_of(it, lo, hi, threads):
    """The static chunk (thread) numba's scheduler gives iteration ``it`` of range(lo, hi)."""
    n = hi - lo
    if n <= 0:
        return 0
    return ((it - lo) * threads) // n
