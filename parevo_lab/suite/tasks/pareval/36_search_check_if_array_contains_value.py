"""Does an array contain a value (ParEval 36, search_check_if_array_contains_value).

Return True when the int32 vector x contains `target`, False otherwise (False for an empty x).

Inputs: ParEval's benchmark input (values in [-50, 50], target in [-100, 100)) finds the target in
the first few elements half of the time, which measures nothing. Ours: x is uniform over
[-10000, 10000) without the target; then, with probability 1/2, the target is written at one
position in the second half. A search reads at least half of x, all of it when the answer is
False. The reference stops at the first hit.

- Bench size: 2.18e8 values (872 MB) make the serial numba reference take about 61 ms. The
  pure-Python reference reads at least half of them at roughly 0.1 us a value, an estimated
  11 s or more (twice that when the answer is False), past the profile's 10 s cap for it, so
  the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "search"
SIZES = {"check": 1000, "bench": 218_000_000}


def make_inputs(size, rng):
    target = int(rng.integers(-10000, 10000))
    x = rng.integers(-10000, 9999, size, dtype=np.int32)
    x[x >= target] += 1  # uniform over the values other than target
    if size and rng.random() < 0.5:
        x[rng.integers(size // 2, size)] = target
    return x, target


def reference(x, target):
    for i in range(x.shape[0]):
        if x[i] == target:
            return True
    return False
