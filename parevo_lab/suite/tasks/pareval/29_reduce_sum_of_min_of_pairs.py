"""Sum of the element-wise minima of two arrays (ParEval 29, reduce_sum_of_min_of_pairs).

x and y are 1-d float64 arrays of the same length; the answer is
min(x[0], y[0]) + min(x[1], y[1]) + ..., 0.0 when they are empty.

Decisions:
- The reference adds left to right into one accumulator, like ParEval's loop; a parallel kernel
  adds in another order, which the default comparison allows for (its tolerance grows with n).
- Inputs: both uniform in [-100, 100); no NaN, so min needs no NaN rule.
- Bench size: 2^25 pairs (512 MB) make the serial loop (one dependent addition per pair) take
  about 45-75 ms and the pure-Python reference about 10 s.
"""

CATEGORY = "reduce"
SIZES = {"check": 2000, "bench": 33_554_432}


def make_inputs(size, rng):
    return rng.uniform(-100.0, 100.0, size), rng.uniform(-100.0, 100.0, size)


def reference(x, y):
    total = 0.0
    for i in range(x.shape[0]):
        a = x[i]
        b = y[i]
        total += a if a < b else b
    return total
