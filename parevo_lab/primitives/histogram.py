"""Histograms of small integer keys, privatised per block and merged."""

from __future__ import annotations

import numba
import numpy as np

from ._util import block_bounds, block_count, empty, private_rows


@numba.njit(parallel=True, cache=True)
def _merge_rows(private, out):
    rows, m = private.shape
    chunks = block_count(m, 64)
    for c in numba.prange(chunks):
        lo, hi = block_bounds(c, m, chunks)
        for r in range(rows):
            for j in range(lo, hi):
                out[j] += private[r, j]


@numba.njit(parallel=True, cache=True)
def _private_counts(keys, n_bins):
    """Per-block key counts: row r counts the keys of block r (private_rows(n, n_bins) blocks).

    Raises ValueError when a key is outside [0, n_bins)."""
    n = keys.shape[0]
    blocks = private_rows(n, n_bins)
    counts = empty((blocks, n_bins), np.int64)
    bad = np.zeros(blocks, np.int64)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        row = counts[b]
        row[:] = 0
        y = keys[lo:hi]
        for i in range(y.shape[0]):
            k = np.int64(y[i])
            if k < 0 or k >= n_bins:
                bad[b] += 1
            else:
                row[k] += 1
    if bad.sum() > 0:
        raise ValueError("a key is outside [0, n_bins)")
    return counts


@numba.njit(parallel=True, cache=True)
def histogram(keys, n_bins):
    """Count of each key: np.bincount(keys, minlength=n_bins) for keys in [0, n_bins).

    Work: O(n + p * n_bins). Span: O(n/p + n_bins).
    keys: 1-d integer array with every key in [0, n_bins) (ValueError otherwise); n_bins >= 0.
    Returns an int64 array of length n_bins (all zeros for empty keys).
    """
    private = _private_counts(keys, n_bins)
    out = np.zeros(n_bins, np.int64)
    _merge_rows(private, out)
    return out


@numba.njit(parallel=True, cache=True)
def bincount_weights(keys, weights, n_bins):
    """Sum of the weights of each key: np.bincount(keys, weights, minlength=n_bins).

    Work: O(n + p * n_bins). Span: O(n/p + n_bins).
    keys: 1-d integer array with every key in [0, n_bins) (ValueError otherwise); weights: 1-d
    float array of the same length. Returns a float64 array of length n_bins (zeros when empty).
    Per-block partial sums are added in block order, so rounding may differ from numpy's.
    """
    n = keys.shape[0]
    if weights.shape[0] != n:
        raise ValueError("bincount_weights: keys and weights differ in length")
    blocks = private_rows(n, n_bins)
    private = empty((blocks, n_bins), np.float64)
    bad = np.zeros(blocks, np.int64)
    for b in numba.prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        row = private[b]
        row[:] = 0
        for i in range(lo, hi):
            k = np.int64(keys[i])
            if k < 0 or k >= n_bins:
                bad[b] += 1
            else:
                row[k] += weights[i]
    if bad.sum() > 0:
        raise ValueError("bincount_weights: a key is outside [0, n_bins)")
    out = np.zeros(n_bins, np.float64)
    _merge_rows(private, out)
    return out
