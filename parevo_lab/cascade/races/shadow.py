"""Shadow memory for the race replay: numba-compiled helpers the instrumented kernel calls.

All iterations of one ``prange`` loop are logically parallel, so one *serial* run that tags each
access with its iteration finds every conflict the input exercises, whatever the schedule. The
shadow is keyed by element address inside the buffers registered at loop entry, so views, slices
and aliased arguments of one buffer meet in the same slots. Each slot (one per element) packs
``iteration * SITES + site`` for: the last writer, the last reader, and an earlier reader from
another iteration than the last (two readers suffice: a write conflicts with *some* other
iteration's read iff one of them is another iteration).

Both the shadow and the findings live in flat int64 arrays, so the hot path passes two arrays
and a few integers (numba's reference counting makes tuples of arrays expensive per access):

    shadow: [r, r x (lo, hi, granule, first slot), slots x 3]
    state:  [META_SIZE meta, counts 3 x S x S, cross 3 x S x S, examples E x W, bounds L x 2]

Examples: the first ``EXAMPLES_PER_PAIR`` conflicts of each (kind, site, site), and as many
whose two iterations fall in different halves of the loop (``cross``): those run on different
threads at 2 threads under numba's static schedule, the pair a person can follow.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import overload

WRITE_WRITE, READ_WRITE, WRITE_READ = 0, 1, 2
KINDS = ("write-write", "read-write", "write-read")
SITES = 1 << 16  # sites per kernel, at most (iteration * SITES + site packs a slot field)
EXAMPLES_PER_PAIR = 3
EXAMPLE_WIDTH = 10  # kind, site_a, site_b, iter_a, iter_b, loop, ndim, i0, i1, i2
# meta fields
M_EXAMPLES, M_LAST_SITE, M_DROPPED, M_SITES, M_EXAMPLES_AT, M_MAX_EXAMPLES, M_BOUNDS_AT = range(7)
META_SIZE = 8
MAX_SLOTS = 1 << 24  # 16M elements (384 MiB of shadow); the cascade replays check-size inputs


CRASH_FILE = "race_replay_state.bin"  # in the sandbox's working folder: read after a crash


def new_state(n_sites: int, n_loops: int, max_examples: int = 512, file: str | None = None):
    """A fresh state; with ``file``, backed by a memory-mapped file, so that the last site
    touched survives a segfault of the replay (the parent reads it from the file)."""
    if n_sites >= SITES:
        raise ValueError(f"the replay supports {SITES} access sites per kernel, not {n_sites}")
    s = max(n_sites, 1)
    examples_at = META_SIZE + 6 * s * s
    bounds_at = examples_at + max_examples * EXAMPLE_WIDTH
    size = bounds_at + 2 * max(n_loops, 1)
    if file is None:
        state = np.zeros(size, np.int64)
    else:
        import mmap

        with open(file, "w+b") as handle:
            handle.truncate(size * 8)
            state = np.frombuffer(mmap.mmap(handle.fileno(), size * 8), dtype=np.int64)
    state[M_LAST_SITE] = -1
    state[M_SITES], state[M_EXAMPLES_AT] = s, examples_at
    state[M_MAX_EXAMPLES], state[M_BOUNDS_AT] = max_examples, bounds_at
    return state


def last_site_in(path) -> int | None:
    """The last site a (crashed) replay recorded, from its memory-mapped state file."""
    try:
        with open(path, "rb") as handle:
            meta = np.frombuffer(handle.read(META_SIZE * 8), dtype=np.int64)
    except OSError:
        return None
    return int(meta[M_LAST_SITE]) if meta.size > M_LAST_SITE and meta[M_LAST_SITE] >= 0 else None


def decode(state: np.ndarray) -> dict:
    """The findings of a replay as arrays: counts[kind, a, b], examples, last site, bounds."""
    s = int(state[M_SITES])
    examples_at, bounds_at = int(state[M_EXAMPLES_AT]), int(state[M_BOUNDS_AT])
    used = int(state[M_EXAMPLES])
    return {
        "counts": state[META_SIZE : META_SIZE + 3 * s * s].reshape(3, s, s),
        "examples": state[examples_at:bounds_at].reshape(-1, EXAMPLE_WIDTH)[:used],
        "bounds": state[bounds_at:].reshape(-1, 2),
        "last_site": int(state[M_LAST_SITE]),  # -1: no access recorded yet
        "dropped": int(state[M_DROPPED]),
    }


@numba.njit(inline="always")
def set_bounds(state, loop, lo, hi):
    state[state[M_BOUNDS_AT] + 2 * loop] = lo
    state[state[M_BOUNDS_AT] + 2 * loop + 1] = hi


@numba.njit(inline="always")
def _address(a):
    # ctypes.data is unsigned: mixed with signed offsets numba would compute in floats
    return np.int64(a.ctypes.data)


# ------------------------------------------------------------------ registration at loop entry


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
def begin(extents, written, owned):
    """Allocate the shadow of the arrays a prange loop can race on.

    ``extents``: k x 3 (lo, hi, itemsize) of the arrays the loop can see; ``written[j]``: the
    loop writes array j; ``owned[j]``: every access to array j is at ``[i, ...]`` (i the loop
    variable), so iterations never meet there unless it overlaps another array.

    A read-only array that shares no byte with a written one cannot race: its reads are not
    recorded. When that holds for every read-only array and no owned array overlaps anything,
    ``fast`` is true: the loop's fast version runs and records only the written arrays that are
    not owned. Returns (shadow, tracked, fast); tracked[j] says whether array j is recorded."""
    k = extents.shape[0]
    tracked = np.zeros(k, np.bool_)
    fast = True
    for j in range(k):
        for w in range(k):
            if w == j or extents[j, 1] <= extents[j, 0] or extents[w, 1] <= extents[w, 0]:
                continue
            overlap = extents[j, 0] < extents[w, 1] and extents[w, 0] < extents[j, 1]
            if overlap and (written[w] or owned[j]):
                fast = False
    for j in range(k):
        if written[j]:
            tracked[j] = not (fast and owned[j])
            continue
        for w in range(k):
            if written[w] and extents[j, 0] < extents[w, 1] and extents[w, 0] < extents[j, 1]:
                tracked[j] = True
    order = np.argsort(extents[:, 0])
    regions = np.zeros((k, 4), np.int64)
    r = -1
    for j in order:
        lo, hi, size = extents[j, 0], extents[j, 1], extents[j, 2]
        if hi <= lo or not tracked[j]:
            continue
        if r >= 0 and lo < regions[r, 1]:
            regions[r, 1] = max(regions[r, 1], hi)
            regions[r, 2] = min(regions[r, 2], size)
        else:
            r += 1
            regions[r, 0], regions[r, 1], regions[r, 2] = lo, hi, size
    r += 1
    total = 0
    for q in range(r):
        regions[q, 3] = total
        total += (regions[q, 1] - regions[q, 0] + regions[q, 2] - 1) // regions[q, 2]
    if total > MAX_SLOTS:
        raise MemoryError("race replay: the shadow of these arrays would exceed its bound")
    shadow = np.full(1 + 4 * r + 3 * total, -1, np.int64)
    shadow[0] = r
    for q in range(r):
        for f in range(4):
            shadow[1 + 4 * q + f] = regions[q, f]
    return shadow, tracked, fast


# ------------------------------------------------------------------ one access


@numba.njit(inline="always")
def _slot(shadow, addr):
    """Index of the element's first field in ``shadow``, or -1 for private memory."""
    r = shadow[0]
    for q in range(r):
        row = 1 + 4 * q
        if shadow[row] <= addr < shadow[row + 1]:
            return 1 + 4 * r + 3 * (shadow[row + 3] + (addr - shadow[row]) // shadow[row + 2])
    return (
        -1
    )  # allocated in the loop body (or not an array we registered): no other iteration sees it


@numba.njit
def _conflict(state, kind, before, site, it, loop, ndim, i0, i1, i2):
    s = state[M_SITES]
    site_a, iter_a = before % SITES, before // SITES
    cell = META_SIZE + (kind * s + site_a) * s + site
    state[cell] += 1
    # do the two iterations run on different threads at 2 threads (halves of the loop)?
    bounds = state[M_BOUNDS_AT] + 2 * loop
    lo, n = state[bounds], state[bounds + 1] - state[bounds]
    cross = n > 0 and ((iter_a - lo) * 2) // n != ((it - lo) * 2) // n
    crossed = cell + 3 * s * s
    keep = state[cell] <= EXAMPLES_PER_PAIR
    if cross and state[crossed] < EXAMPLES_PER_PAIR:
        state[crossed] += 1
        keep = True
    if keep:
        n = state[M_EXAMPLES]
        if n < state[M_MAX_EXAMPLES]:
            row = state[M_EXAMPLES_AT] + n * EXAMPLE_WIDTH
            state[row], state[row + 1], state[row + 2] = kind, site_a, site
            state[row + 3], state[row + 4], state[row + 5] = iter_a, it, loop
            state[row + 6], state[row + 7], state[row + 8], state[row + 9] = ndim, i0, i1, i2
            state[M_EXAMPLES] = n + 1
        else:
            state[M_DROPPED] += 1


@numba.njit(inline="always")
def _touch(state, shadow, addr, is_read, is_write, site, it, loop, ndim, i0, i1, i2):
    s = _slot(shadow, addr)
    if s < 0:
        return
    me = it * SITES + site
    w = shadow[s]
    if w >= 0 and w // SITES != it:
        _conflict(
            state, WRITE_WRITE if is_write else WRITE_READ, w, site, it, loop, ndim, i0, i1, i2
        )
    if is_write:
        r = shadow[s + 1]
        if r >= 0 and r // SITES != it:
            _conflict(state, READ_WRITE, r, site, it, loop, ndim, i0, i1, i2)
        elif shadow[s + 2] >= 0 and shadow[s + 2] // SITES != it:
            _conflict(state, READ_WRITE, shadow[s + 2], site, it, loop, ndim, i0, i1, i2)
        shadow[s] = me
    if is_read and (shadow[s + 1] < 0 or shadow[s + 1] // SITES != it):
        shadow[s + 2] = shadow[s + 1]
        shadow[s + 1] = me


def record(a, idx, state, shadow, site, it, loop, is_read, is_write):
    pass


@overload(record)
def _record(a, idx, state, shadow, site, it, loop, is_read, is_write):
    """Record one subscript access ``a[idx]``: one element, or every element it covers."""
    if not isinstance(a, types.Array):
        return lambda a, idx, state, shadow, site, it, loop, is_read, is_write: None
    if isinstance(idx, types.Integer):
        if a.ndim == 1:

            def one(a, idx, state, shadow, site, it, loop, is_read, is_write):
                i = idx + a.shape[0] if idx < 0 else idx
                state[M_LAST_SITE] = site
                addr = _address(a) + i * a.strides[0]
                _touch(state, shadow, addr, is_read, is_write, site, it, loop, 1, i, 0, 0)

            return one
        return _view_impl
    if isinstance(idx, types.BaseTuple) and all(isinstance(t, types.Integer) for t in idx.types):
        if len(idx.types) == a.ndim and a.ndim <= 3:
            return _tuple_impl(a.ndim)
    if isinstance(idx, types.Array) and isinstance(idx.dtype, types.Integer) and a.ndim == 1:

        def gather(a, idx, state, shadow, site, it, loop, is_read, is_write):
            state[M_LAST_SITE] = site
            for q in range(idx.shape[0]):
                i = idx[q] + a.shape[0] if idx[q] < 0 else idx[q]
                addr = _address(a) + i * a.strides[0]
                _touch(state, shadow, addr, is_read, is_write, site, it, loop, 1, i, 0, 0)

        return gather
    return _view_impl


def _tuple_impl(ndim):
    if ndim == 1:

        def impl(a, idx, state, shadow, site, it, loop, is_read, is_write):
            i = idx[0] + a.shape[0] if idx[0] < 0 else idx[0]
            state[M_LAST_SITE] = site
            addr = _address(a) + i * a.strides[0]
            _touch(state, shadow, addr, is_read, is_write, site, it, loop, 1, i, 0, 0)

    elif ndim == 2:

        def impl(a, idx, state, shadow, site, it, loop, is_read, is_write):
            i = idx[0] + a.shape[0] if idx[0] < 0 else idx[0]
            j = idx[1] + a.shape[1] if idx[1] < 0 else idx[1]
            state[M_LAST_SITE] = site
            addr = _address(a) + i * a.strides[0] + j * a.strides[1]
            _touch(state, shadow, addr, is_read, is_write, site, it, loop, 2, i, j, 0)

    else:

        def impl(a, idx, state, shadow, site, it, loop, is_read, is_write):
            i = idx[0] + a.shape[0] if idx[0] < 0 else idx[0]
            j = idx[1] + a.shape[1] if idx[1] < 0 else idx[1]
            k = idx[2] + a.shape[2] if idx[2] < 0 else idx[2]
            state[M_LAST_SITE] = site
            addr = _address(a) + i * a.strides[0] + j * a.strides[1] + k * a.strides[2]
            _touch(state, shadow, addr, is_read, is_write, site, it, loop, 3, i, j, k)

    return impl


def _view_impl(a, idx, state, shadow, site, it, loop, is_read, is_write):
    """A slice, a row, a fancy index: every element the view covers, by address."""
    v = a[idx]
    state[M_LAST_SITE] = site
    base = _address(a)
    for flat in range(v.size):
        addr = _address(v)
        rest = flat
        for d in range(v.ndim - 1, -1, -1):
            addr += (rest % v.shape[d]) * v.strides[d]
            rest //= v.shape[d]
        _touch(
            state,
            shadow,
            addr,
            is_read,
            is_write,
            site,
            it,
            loop,
            -1,
            (addr - base) // a.itemsize,
            0,
            0,
        )


def load(a, idx, state, shadow, site, it, loop):
    pass


@overload(load)
def _load(a, idx, state, shadow, site, it, loop):
    def impl(a, idx, state, shadow, site, it, loop):
        record(a, idx, state, shadow, site, it, loop, True, False)
        return a[idx]

    return impl


@numba.njit(inline="always")
def chunk_of(it, lo, hi, threads):
    """The static chunk (thread) numba's scheduler gives iteration ``it`` of range(lo, hi)."""
    n = hi - lo
    if n <= 0:
        return 0
    return ((it - lo) * threads) // n
