"""Index of the first even number (ParEval 38, search_find_the_first_even_number).

Return the smallest i with x[i] even, for an int32 vector x. Not found (no even number, or an
empty x): -1.

Inputs: odd values 1 to 99, then 0 to 2 of them made even at positions in the second half (ParEval
uses the middle half), so a search from the front reads at least half of the array (all of it
when there is none). The reference stops at the first hit.

- Bench size: 1.55e8 values (620 MB) make the serial numba reference take about 86 ms. The
  pure-Python reference reads at least half of them at roughly 0.15 us a value, an estimated
  12 s or more, past the profile's 10 s cap for it, so the profile reports no vs_python for
  this task.
"""

import numpy as np

CATEGORY = "search"
SIZES = {"check": 1000, "bench": 155_000_000}


def make_inputs(size, rng):
    x = 2 * rng.integers(0, 50, size, dtype=np.int32) + 1
    evens = int(rng.integers(0, 3)) if size else 0
    x[rng.integers(size // 2, max(1, size), evens)] += 1
    return (x,)


def reference(x):
    for i in range(x.shape[0]):
        if x[i] % 2 == 0:
            return i
    return -1
