"""Sum of the element-wise minima of two arrays (ParEval 29, reduce_sum_of_min_of_pairs).

x and y are 1-d float64 arrays of the same length; the answer is
min(x[0], y[0]) + min(x[1], y[1]) + ..., 0.0 when they are empty.

Decisions:
- The reference adds left to right into one accumulator, like ParEval's loop; a parallel kernel
  adds in another order, which the default comparison allows for (its tolerance grows with n).
- Inputs: both uniform in [-100, 100); no NaN, so min needs no NaN rule.
- Bench size: 6.7e7 pairs (1.07 GB) make the serial loop (one dependent addition per pair) take
  about 56 ms. The pure-Python reference (about 0.3 us a pair) would need about 20 s, past the
  profile's 10 s cap for it, so the profile reports no vs_python for this task.
"""

CATEGORY = "reduce"
SIZES = {"check": 2000, "bench": 67_000_000}


def make_inputs(size, rng):
    return rng.uniform(-100.0, 100.0, size), rng.uniform(-100.0, 100.0, size)


def reference(x, y):
    total = 0.0
    for i in range(x.shape[0]):
        a = x[i]
        b = y[i]
        total += a if a < b else b
    return total
