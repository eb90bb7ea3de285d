"""Segmented reduction: the sum of each segment of `values`, segments given by `offsets`.

Segment lengths are irregular (Zipf), and the last segment holds a quarter of all values.
"""

import numpy as np

SIZES = {"check": 2000, "bench": 400_000}


def make_inputs(size, rng):
    n_values = size
    big = n_values // 4
    lengths = []
    remaining = n_values - big
    while remaining > 0:
        length = int(min(rng.zipf(1.8), remaining))
        lengths.append(length)
        remaining -= length
    lengths.append(big)
    offsets = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    values = rng.integers(0, 2**20, n_values).astype(np.int64)
    return offsets, values


def reference(offsets, values):
    n_segments = offsets.shape[0] - 1
    out = np.zeros(n_segments, np.int64)
    for s in range(n_segments):
        total = 0
        for i in range(offsets[s], offsets[s + 1]):
            total += values[i]
        out[s] = total
    return out
