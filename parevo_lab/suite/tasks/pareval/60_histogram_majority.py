"""Majority byte: the most frequent value in an array of bytes (ParEVO 60, histogram_majority).

Argument: `data`, a uint8 array. Return the byte value (an int in [0, 255]) that occurs most
often.

Decisions:
- Ties: the smallest of the most frequent values wins (so the answer is unique).
- Empty input: -1 (there is no most frequent value).
- Inputs: Zipf-like skew over a random order of the 256 values, built so that the two most
  likely values always occur equally often (the second half of the array is the first half with
  those two values swapped, then everything is shuffled): every input with N >= 2 exercises the
  tie rule at the top count. Odd N adds one element of another value.
- Reference: a 256-bin histogram, then the first maximum; O(N + 256).
- Sizes: ParEVO uses N = 2^21. The serial loop costs about 0.45 ns per byte and the
  pure-Python one about 190 ns, so no size gives both a 50 ms serial reference and a
  pure-Python run under the profile's 10 s cap for it: the bench N = 1.4e8 (140 MB) gives about
  62 ms serial and would need about 27 s in Python, so the profile reports no vs_python for
  this task.
"""

import numpy as np

CATEGORY = "histogram"
SIZES = {"check": 2000, "bench": 140_000_000}


def make_inputs(size, rng):
    weights = 1.0 / np.arange(1, 257) ** 1.1
    weights[1] = weights[0]
    values = rng.permutation(256)
    top, second = values[0], values[1]
    half = values[rng.choice(256, size // 2, p=weights / weights.sum())]
    swapped = np.where(half == top, second, np.where(half == second, top, half))
    extra = values[2 + rng.integers(0, 254, size % 2)]
    data = np.concatenate((half, swapped, extra)).astype(np.uint8)
    return (rng.permutation(data),)


def reference(data):
    if data.shape[0] == 0:
        return -1
    counts = np.zeros(256, np.int64)
    for i in range(data.shape[0]):
        counts[data[i]] += 1
    best = 0
    for v in range(1, 256):
        if counts[v] > counts[best]:
            best = v
    return best
