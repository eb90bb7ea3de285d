"""Stream compaction: keep the values (or the indices) whose flag is set."""

from __future__ import annotations

import numba
import numpy as np

from ._util import block_bounds, block_count, empty, exclusive_sum_serial


@numba.njit(parallel=True, cache=True)
def _block_flag_counts(flags, blocks):
    n = flags.shape[0]
    counts = empty(blocks, np.int64)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        f = flags[lo:hi]  # a fresh slice indexed from 0 vectorises; range(lo, hi) does not
        c = np.int64(0)
        for i in range(f.shape[0]):
            c += np.int64(f[i] != 0)
        counts[b] = c
    return counts


@numba.njit(parallel=True, cache=True)
def pack(values, flags):
    """The values whose flag is true, in their original order (values[flags] in numpy).

    Work: O(n). Span: O(n/p + p).
    values: 1-d array; flags: 1-d bool (or int, nonzero = keep) array of the same length
    (ValueError otherwise). Returns a new array of values' dtype; empty when nothing is flagged.
    """
    n = values.shape[0]
    if flags.shape[0] != n:
        raise ValueError("pack: values and flags differ in length")
    blocks = block_count(n)
    counts = _block_flag_counts(flags, blocks)
    starts, total = exclusive_sum_serial(counts)
    out = empty(total, values.dtype)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        # branch-free: write every element, advance only past flagged ones (a random flag would
        # mispredict); stop once this block's slots are full so no other block's slot is touched
        mine = out[starts[b] : starts[b] + counts[b]]
        f = flags[lo:hi]
        v = values[lo:hi]
        k = np.int64(0)
        for i in range(f.shape[0]):
            if k == mine.shape[0]:
                break
            mine[k] = v[i]
            k += np.int64(f[i] != 0)
    return out


@numba.njit(parallel=True, cache=True)
def pack_index(flags):
    """Indices of the true flags in increasing order (np.flatnonzero).

    Work: O(n). Span: O(n/p + p).
    flags: 1-d bool (or int, nonzero = true) array. Returns an int64 array; empty when no flag is set.
    """
    n = flags.shape[0]
    blocks = block_count(n)
    counts = _block_flag_counts(flags, blocks)
    starts, total = exclusive_sum_serial(counts)
    out = empty(total, np.int64)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        # branch-free, as in pack
        mine = out[starts[b] : starts[b] + counts[b]]
        f = flags[lo:hi]
        k = np.int64(0)
        for i in range(f.shape[0]):
            if k == mine.shape[0]:
                break
            mine[k] = lo + i
            k += np.int64(f[i] != 0)
    return out
