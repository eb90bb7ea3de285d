"""Largest sum of a contiguous subarray (ParEval 34, scan_largest_contiguous_subarray_sum).

Return the largest sum of x[i] + ... + x[j] over all non-empty subarrays (i <= j) of an int64
vector x with values uniform in [-100, 100] (ParEval's range). ParEval's example:
[-2, 1, -3, 4, -1, 2, 1, -5, 4] -> 6.

Decisions where ParEval is ambiguous:
- Only non-empty subarrays count, as in ParEval's reference (it starts from the lowest int and
  tries every non-empty subarray): an all-negative x gives its largest element, not 0.
- An empty x has no non-empty subarray; ParEval's reference would return the lowest int. We
  return 0, the sum of the empty array's only (empty) subarray, rather than a sentinel.
- ParEval's reference tries all O(n^2) subarrays. Ours is Kadane's O(n) algorithm, so that the
  speedup measures parallelism and not the change of algorithm.
- Bench size: 1.1e8 values (880 MB) make the serial numba reference take about 62 ms. The
  pure-Python reference (roughly 0.3 us a value) would need an estimated 33 s there, past the
  profile's 10 s cap for it, so the profile reports no vs_python for this task.
"""

CATEGORY = "scan"
SIZES = {"check": 1000, "bench": 110_000_000}


def make_inputs(size, rng):
    return (rng.integers(-100, 101, size),)


def reference(x):
    if x.shape[0] == 0:
        return 0
    best = x[0]
    ending_here = x[0]  # largest sum of a subarray ending at i
    for i in range(1, x.shape[0]):
        v = x[i]
        ending_here += v
        if ending_here < v:  # the best subarray ending at i starts at i
            ending_here = v
        if ending_here > best:
            best = ending_here
    return best
