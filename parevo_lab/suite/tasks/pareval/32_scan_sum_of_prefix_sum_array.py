"""Sum of the prefix-sum array (ParEval 32, scan_sum_of_prefix_sum_array).

Return sum over i of (x[0] + ... + x[i]) for a float64 vector x drawn uniformly from [-100, 100)
(ParEval's range); 0.0 for an empty x. ParEval's words ask to "compute the prefix sum array" and
sum it; only the sum is returned, so neither the reference nor a kernel has to store the array:
the reference keeps a running prefix sum and adds it up in one pass (equivalently the sum of
(n - i) * x[i]). Parallel evaluation rounds differently; the default comparison's float tolerance
(scaled by the length and the result's magnitude) absorbs it.

- Bench size: 7.4e7 values (592 MB) make the serial numba reference take about 62 ms. The
  pure-Python reference (roughly 0.25 us a value) would need an estimated 18 s there, past the
  profile's 10 s cap for it, so the profile reports no vs_python for this task.
"""

CATEGORY = "scan"
SIZES = {"check": 1000, "bench": 74_000_000}


def make_inputs(size, rng):
    return (rng.uniform(-100.0, 100.0, size),)


def reference(x):
    prefix = 0.0
    total = 0.0
    for i in range(x.shape[0]):
        prefix += x[i]
        total += prefix
    return total
