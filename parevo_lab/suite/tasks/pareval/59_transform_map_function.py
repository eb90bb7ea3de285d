"""Map isPowerOfTwo over an integer array into a boolean mask (ParEval 59, map_function).

Argument: `x`, an int64 array. Return a new bool array: mask[i] is true iff x[i] > 0 and
x[i] has a single bit set (x & (x - 1) == 0).

Decisions:
- Output: ParEval writes into a caller-provided vector<bool>; we return a new bool array.
- Dtype: ParEval's values are C ints; ours are numpy's default int64. A quarter of the values
  are powers of two 2^k (k in [0, 62]), a quarter their negatives, an eighth 0, an eighth 1,
  and a quarter uniform in [-2^20, 2^20], so both answers and the edge cases (0, 1, negative
  powers, 2^62) are frequent (ParEval: uniform in 1 to 1024, never 0 or negative).
- N = 0 gives an empty mask.
- Sizes: ParEval uses N = 2^21; the bench N = 2^26 (512 MiB of input) gives the serial
  reference about 65 ms and the pure-Python reference about 12 s (quiet 2-core machine).
"""

import numpy as np

CATEGORY = "transform"
SIZES = {"check": 2000, "bench": 67108864}


def make_inputs(size, rng):
    x = rng.integers(-(1 << 20), (1 << 20) + 1, size)
    kind = rng.integers(0, 8, size)
    powers = np.left_shift(np.int64(1), rng.integers(0, 63, size))
    x = np.where(kind < 2, powers, x)
    x = np.where((kind == 2) | (kind == 3), -powers, x)
    x = np.where(kind == 4, 0, x)
    x = np.where(kind == 5, 1, x)
    return (x,)


def reference(x):
    mask = np.empty(x.shape[0], np.bool_)
    for i in range(x.shape[0]):
        v = x[i]
        mask[i] = v > 0 and (v & (v - 1)) == 0
    return mask
