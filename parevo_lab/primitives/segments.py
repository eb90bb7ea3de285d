"""Operations on CSR segments: offsets[s]:offsets[s+1] is segment s of a values array."""

from __future__ import annotations

import numba
import numpy as np

from ._util import ADD, MAX, MIN, block_bounds, block_count, empty, fold, identity

__all__ = ["ADD", "MAX", "MIN", "flatten", "segmented_reduce", "segment_ids"]


@numba.njit(cache=True)
def _check_offsets(offsets, n_values):
    m = offsets.shape[0]
    if m == 0:
        raise ValueError("offsets must hold at least one entry (offsets[0] == 0)")
    if offsets[0] != 0 or offsets[m - 1] != n_values:
        raise ValueError("offsets must start at 0 and end at len(values)")


@numba.njit(cache=True)
def _combine(acc, v, op):
    if op == ADD:
        return acc + v
    if op == MAX:
        return v if v > acc else acc
    return v if v < acc else acc


@numba.njit(parallel=True, cache=True)
def segmented_reduce(offsets, values, op=ADD):
    """Reduce each segment values[offsets[s]:offsets[s+1]] with op (ADD, MAX or MIN).

    Work: O(n + m + p log m). Span: O(n/p + m/p + p) for m segments and n values.
    The values are cut into p equal blocks whatever the segment lengths (one huge segment is
    shared by many blocks): a block writes the segments that lie inside it and leaves partial
    results for the (at most two) segments crossing its ends, which a serial pass over the
    blocks combines in order. Empty segments are filled by a pass over the segments.
    offsets: non-decreasing int64 array of length m + 1, offsets[0] == 0, offsets[-1] == len(values)
    (ValueError otherwise); values: 1-d int or float array; op: ADD (default), MAX, MIN. Returns an
    array of values' dtype of length m; an empty segment gives the op's identity (0; -inf or the
    int minimum for MAX; +inf or the int maximum for MIN). Float sums may round differently from
    a sequential sum.
    """
    if op != ADD and op != MAX and op != MIN:
        raise ValueError("op must be ADD, MAX or MIN")
    _check_offsets(offsets, values.shape[0])
    m = offsets.shape[0] - 1
    n = np.int64(values.shape[0])
    out = empty(m, values.dtype)
    ident = identity(values, op)
    for seg in numba.prange(m):
        if offsets[seg] == offsets[seg + 1]:
            out[seg] = ident
    blocks = block_count(n)
    # per block: the partial of the segment crossing its start (slot 0) and of the one crossing
    # its end (slot 1); -1 = none
    part_seg = np.full((blocks, 2), -1, np.int64)
    part_val = empty((blocks, 2), values.dtype)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        if lo < hi:
            s = np.int64(np.searchsorted(offsets, lo, side="right")) - 1
            while s < m:
                start = max(offsets[s], lo)
                end = min(offsets[s + 1], hi)
                acc = fold(values, start, end, op, ident)
                if offsets[s] < lo:
                    part_seg[b, 0] = s
                    part_val[b, 0] = acc
                elif offsets[s + 1] > hi:
                    part_seg[b, 1] = s
                    part_val[b, 1] = acc
                elif offsets[s + 1] > offsets[s]:
                    out[s] = acc
                if offsets[s + 1] >= hi:
                    break
                s += 1
    current = np.int64(-1)
    acc = ident
    for b in range(blocks):
        for slot in range(2):
            s = part_seg[b, slot]
            if s < 0:
                continue
            if s == current:
                acc = _combine(acc, part_val[b, slot], op)
            else:
                if current >= 0:
                    out[current] = acc
                current = s
                acc = part_val[b, slot]
    if current >= 0:
        out[current] = acc
    return out


@numba.njit(parallel=True, cache=True)
def segment_ids(offsets):
    """For each value position, the segment it belongs to (np.repeat(arange(m), np.diff(offsets))).

    Work: O(n + p log m). Span: O(n/p + log m): the values are cut into equal blocks and each block
    finds its first segment by binary search, so long segments do not unbalance the work.
    offsets: non-decreasing int64 array of length m + 1 with offsets[0] == 0 (ValueError otherwise).
    Returns an int64 array of length offsets[-1]; empty when there are no values.
    """
    if offsets.shape[0] == 0:
        raise ValueError("offsets must hold at least one entry (offsets[0] == 0)")
    m = offsets.shape[0] - 1
    n = np.int64(offsets[m])
    _check_offsets(offsets, n)
    out = empty(n, np.int64)
    blocks = block_count(n)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        if lo < hi:
            # last segment s with offsets[s] <= lo
            s = np.int64(np.searchsorted(offsets, lo, side="right")) - 1
            mine = out[lo:hi]
            for i in range(mine.shape[0]):
                while offsets[s + 1] <= lo + i:
                    s += 1
                mine[i] = s
    return out


@numba.njit(parallel=True, cache=True)
def flatten(offsets, values, selected):
    """Concatenate the segments listed in ``selected`` into one array, with their new offsets.

    Work: O(k + total). Span: O(k/p + max segment length): the new offsets are an exclusive
    sum of the selected lengths, then each selected segment is copied into its own slot.
    offsets: CSR offsets of ``values`` (length m + 1, offsets[0] == 0, offsets[-1] ==
    len(values)); selected: int64 segment ids in [0, m), in the order wanted (repeats allowed).
    Returns (new_offsets of length k + 1, flat values); both empty-valued for k == 0. A selected
    id outside [0, m) raises ValueError. (Ligra's frontier gather is flatten of the frontier's
    adjacency lists.)
    """
    _check_offsets(offsets, values.shape[0])
    m = offsets.shape[0] - 1
    k = selected.shape[0]
    new_offsets = np.zeros(k + 1, np.int64)
    for j in range(k):
        s = selected[j]
        if s < 0 or s >= m:
            raise ValueError("flatten: a selected segment id is outside [0, m)")
        new_offsets[j + 1] = new_offsets[j] + offsets[s + 1] - offsets[s]
    out = empty(new_offsets[k], values.dtype)
    for j in numba.prange(k):
        s = selected[j]
        start = new_offsets[j]
        length = offsets[s + 1] - offsets[s]
        mine = out[start : start + length]
        source = values[offsets[s] : offsets[s + 1]]
        for i in range(length):
            mine[i] = source[i]
    return new_offsets, out
