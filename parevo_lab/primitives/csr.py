"""CSR graphs: construction from an edge list and transpose, compiled with numba.

Conventions: ``indptr`` is int64 of length n+1, ``indices`` int64 of length m = indptr[n];
row v lists the out-neighbours of v. Every prange loop writes only its own vertex, its own
slot of an exclusive scan of degrees, or its own block: no races, no atomics. Blocked helpers
choose their block count from the input size, never from the thread count, so results are the
same on any number of threads and the functions can be cached.
"""

import numba
import numpy as np
from numba import prange

from ._util import empty, zeros
from .pack import pack
from .sort import _adjacent_differ, _bit_length, _radix_core

# ---------------------------------------------------------------------------------------------
# private helpers (the traversal and graph modules use them too)


@numba.njit(cache=True)
def _num_blocks(m):
    """About sqrt(m) blocks (1 for small inputs): span O(m / blocks + blocks)."""
    if m < 4096:
        return 1
    return np.int64(np.sqrt(m))


@numba.njit(parallel=True, cache=True)
def _exclusive_scan(counts):
    """Blocked exclusive scan: out[0] = 0, out[i + 1] = counts[0] + ... + counts[i]."""
    m = counts.shape[0]
    out = empty(m + 1, np.int64)
    out[0] = 0
    nb = _num_blocks(m)
    bs = (m + nb - 1) // nb
    sums = zeros(nb, np.int64)
    for b in prange(nb):
        lo = np.int64(b) * bs
        hi = min(m, lo + bs)
        s = 0
        for i in range(lo, hi):
            s += counts[i]
        sums[b] = s
    run = 0
    for b in range(nb):
        t = sums[b]
        sums[b] = run
        run += t
    for b in prange(nb):
        lo = np.int64(b) * bs
        hi = min(m, lo + bs)
        s = sums[b]
        for i in range(lo, hi):
            s += counts[i]
            out[i + 1] = s
    return out


@numba.njit(parallel=True, cache=True)
def _stable_bucket(keys, nbuckets):
    """Stable counting sort positions: returns (ptr, pos) with bucket k at ptr[k]:ptr[k + 1]
    and element i going to pos[i]. Block-private histograms (one row per block)."""
    m = keys.shape[0]
    nb = max(np.int64(1), min(np.int64(8), m // max(nbuckets, np.int64(1024))))
    bs = (m + nb - 1) // nb
    counts = zeros((nb, nbuckets), np.int64)
    for b in prange(nb):
        bb = np.int64(b)
        lo = bb * bs
        hi = min(m, lo + bs)
        for i in range(lo, hi):
            counts[bb, keys[i]] += 1
    totals = empty(nbuckets, np.int64)
    for k in prange(nbuckets):
        kk = np.int64(k)
        s = 0
        for b in range(nb):
            c = counts[b, kk]
            counts[b, kk] = s
            s += c
        totals[kk] = s
    ptr = _exclusive_scan(totals)
    for k in prange(nbuckets):
        kk = np.int64(k)
        base = ptr[kk]
        for b in range(nb):
            counts[b, kk] += base
    pos = empty(m, np.int64)
    for b in prange(nb):
        bb = np.int64(b)
        lo = bb * bs
        hi = min(m, lo + bs)
        for i in range(lo, hi):
            k = keys[i]
            pos[i] = counts[bb, k]
            counts[bb, k] += 1
    return ptr, pos


@numba.njit(parallel=True, cache=True)
def _out_degrees(indptr):
    n = indptr.shape[0] - 1
    deg = empty(n, np.int64)
    for v in prange(n):
        vv = np.int64(v)
        deg[vv] = indptr[vv + 1] - indptr[vv]
    return deg


# ---------------------------------------------------------------------------------------------
# construction


@numba.njit(parallel=True, cache=True)
def csr_from_edges(n, src, dst, symmetric):
    """Build a CSR graph from an edge list, dropping self-loops and duplicate edges.

    Work: O(m * b/8) for b = 2 * bit length of n - 1. Span: O((m/p + 256 p) * b/8 + log m).
    Each kept edge becomes the key (source << bits) | target; one LSD radix sort of the keys
    (see radix_sort) orders them by (source, target), the first key of each run of equal keys
    is packed, and row starts are binary searches in the sorted keys.

    Args:
        n: number of vertices; every endpoint must lie in [0, n) (ValueError otherwise).
        src, dst: integer arrays of equal length m, edge i goes src[i] -> dst[i].
        symmetric: when true, also add dst[i] -> src[i] (an undirected graph).

    Returns:
        (indptr, indices): int64 arrays of lengths n + 1 and the number of distinct edges kept,
        neighbours sorted ascending within each row. n = 0 gives ([0], []).
    """
    n = np.int64(n)
    m = src.shape[0]
    if dst.shape[0] != m:
        raise ValueError("src and dst must have the same length")
    if n < 0 or n >= np.int64(1) << 31:
        raise ValueError("n must lie in [0, 2^31)")
    bad = 0
    for i in prange(m):
        a = np.int64(src[i])
        b = np.int64(dst[i])
        if a < 0 or a >= n or b < 0 or b >= n:
            bad += 1
    if bad > 0:
        raise ValueError("edge endpoint out of range [0, n)")
    keep = empty(m, np.int64)
    for i in prange(m):
        keep[i] = 1 if src[i] != dst[i] else 0
    at = _exclusive_scan(keep)
    k = at[m]
    bits = _bit_length(max(n - 1, np.int64(0)))
    keys = empty(2 * k if symmetric else k, np.int64)
    for i in prange(m):
        if keep[i]:
            a = np.int64(src[i])
            b = np.int64(dst[i])
            keys[at[i]] = (a << bits) | b
            if symmetric:
                keys[k + at[i]] = (b << bits) | a
    ordered, _ = _radix_core(keys, 2 * bits, False)
    distinct = pack(ordered, _adjacent_differ(ordered))
    low = (np.int64(1) << bits) - 1
    indices = empty(distinct.shape[0], np.int64)
    for j in prange(distinct.shape[0]):
        indices[j] = distinct[j] & low
    indptr = empty(n + 1, np.int64)
    for v in prange(n + 1):
        indptr[v] = np.searchsorted(distinct, np.int64(v) << bits)
    return indptr, indices


@numba.njit(parallel=True, cache=True)
def transpose(indptr, indices, n):
    """Reverse every edge: row v of the result lists the in-neighbours of v.

    Work: O(m + n). Span: O(sqrt(m + n) + m / 8) (a stable counting sort by target).

    Args:
        indptr, indices: CSR with n rows; targets must lie in [0, n).
        n: number of vertices (columns of the input, rows of the output).

    Returns:
        (indptr_t, indices_t): int64 CSR of the reversed graph; rows are sorted ascending
        (the sort is stable and input rows come in source order); duplicates are kept.
    """
    n = np.int64(n)
    rows = indptr.shape[0] - 1
    m = indptr[rows]
    src = empty(m, np.int64)
    for v in prange(rows):
        vv = np.int64(v)
        for j in range(indptr[vv], indptr[vv + 1]):
            src[j] = vv
    ptr, pos = _stable_bucket(indices[:m], max(n, np.int64(1)))
    indices_t = empty(m, np.int64)
    for j in prange(m):
        indices_t[pos[j]] = src[j]
    indptr_t = empty(n + 1, np.int64)
    for v in prange(n + 1):
        indptr_t[v] = ptr[v]
    return indptr_t, indices_t


@numba.njit(parallel=True, cache=True)
def balanced_bounds(indptr, lo, hi, parts):
    """Rows lo..hi of a CSR cut into ``parts`` runs of about equal work, counting each row as
    its edge count plus one: the edge-balanced schedule of a vertex loop on a skewed graph.

    Work: O(parts * log(hi - lo)). Span: O(log(hi - lo)).

    Args:
        indptr: int64 row pointers (non-decreasing) of at least hi + 1 entries.
        lo, hi: the rows to cut, 0 <= lo <= hi.
        parts: the number of runs, at least 1.

    Returns:
        int64 array of parts + 1 non-decreasing row boundaries from lo to hi: run b is rows
        bounds[b] .. bounds[b + 1] - 1 (empty when a row alone outweighs a share). Use it as
        ``for b in prange(parts): for v in range(bounds[b], bounds[b + 1]): ...``, so that a
        static schedule hands each thread about the same number of edges, not of vertices.
    """
    lo = np.int64(lo)
    hi = np.int64(hi)
    parts = max(np.int64(parts), np.int64(1))
    base = indptr[lo] + lo
    total = indptr[hi] + hi - base
    bounds = np.empty(parts + 1, np.int64)
    for b in prange(parts + 1):
        target = base + total * b // parts
        first = lo  # the first row v whose start (indptr[v] + v) reaches the target
        last = hi
        while first < last:
            mid = (first + last) >> 1
            if indptr[mid] + mid < target:
                first = mid + 1
            else:
                last = mid
        bounds[b] = first
    bounds[0] = lo
    bounds[parts] = hi
    return bounds


@numba.njit(parallel=True, cache=True)
def _row_counts(A):
    rows, cols = A.shape
    counts = empty(rows, np.int64)
    for i in prange(rows):
        c = 0
        for j in range(cols):
            if A[i, j] != 0:
                c += 1
        counts[i] = c
    return counts


@numba.njit(parallel=True, cache=True)
def csr_from_dense(A):
    """CSR of the nonzero entries of a 2-D matrix (a dense adjacency matrix as a graph).

    Work: O(rows * cols). Span: O(cols + rows / p), two passes over the matrix by rows.

    Args:
        A: 2-D array (any numeric or bool dtype, C-contiguous for speed); A[i, j] != 0 is an
            edge i -> j.

    Returns:
        (indptr, indices), int64: row i lists the columns j with A[i, j] != 0 in increasing
        order (a symmetric matrix gives a symmetric CSR; a nonzero diagonal gives self-loops).
        A 0 x 0 matrix gives indptr [0] and no indices.
    """
    rows, cols = A.shape
    indptr = _exclusive_scan(_row_counts(A))
    indices = empty(indptr[rows], np.int64)
    for i in prange(rows):
        p = indptr[i]
        for j in range(cols):
            if A[i, j] != 0:
                indices[p] = j
                p += 1
    return indptr, indices
