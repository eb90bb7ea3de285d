"""Is a value in exactly one of two arrays (ParEval 39, search_xor_contains).

Return True when `val` occurs in exactly one of the int32 vectors x and y, False when it is in
both or in neither. x and y have the same length here; empty arrays contain nothing.

Inputs: ParEval's benchmark input finds `val` within the first few elements, which measures
nothing. Ours: x and y are uniform over [-10000, 10000) without `val`; then `val` is written at
one position in the second half of neither, x only, y only or both (equally likely). The
reference searches x, then y, each stopping at its first hit.

- Bench size: 1.25e8 values in each array (1 GB in all) make the serial numba reference take
  about 53 ms. The pure-Python reference reads at least half of each array at roughly 0.1 us a
  value, an estimated 12 s or more, past the profile's 10 s cap for it, so the profile reports
  no vs_python for this task.
"""

import numpy as np

CATEGORY = "search"
SIZES = {"check": 1000, "bench": 125_000_000}


def make_inputs(size, rng):
    val = int(rng.integers(-10000, 10000))
    where = int(rng.integers(0, 4))  # bit 0: in x, bit 1: in y
    arrays = []
    for bit in (1, 2):
        a = rng.integers(-10000, 9999, size, dtype=np.int32)
        a[a >= val] += 1  # uniform over the values other than val
        if size and where & bit:
            a[rng.integers(size // 2, size)] = val
        arrays.append(a)
    return arrays[0], arrays[1], val


def reference(x, y, val):
    in_x = False
    for i in range(x.shape[0]):
        if x[i] == val:
            in_x = True
            break
    in_y = False
    for i in range(y.shape[0]):
        if y[i] == val:
            in_y = True
            break
    return in_x != in_y
