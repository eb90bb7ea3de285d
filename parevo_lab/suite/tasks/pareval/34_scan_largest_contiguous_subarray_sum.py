"""Largest sum of a contiguous subarray (ParEval 34, scan_largest_contiguous_subarray_sum).

Return the largest sum of x[i] + ... + x[j] over all non-empty subarrays (i <= j) of an int64
vector x with values uniform in [-100, 100] (ParEval's fillRand(x, -100, 100) draws -100 to 99;
int64 instead of C's int). ParEval's example: [-2, 1, -3, 4, -1, 2, 1, -5, 4] -> 6.

ParEval's own baseline is wrong, and this task follows ParEval's prompt, not its baseline:
correctMaximumSubarray loops over all start and end points but never resets its running sum
currSum when the start point moves, so after the first start point it adds suffix sums on top
of each other and returns the largest of those running totals, not a subarray sum. On its own
prompt example it returns 17 instead of 6; on 1024 random values as in its validate() it agrees
with the true answer about one time in a hundred, so a correct kernel fails ParEval's exact
check nearly always.

Decisions where ParEval is ambiguous:
- Only non-empty subarrays count, as the prompt's wording and the baseline's starting value
  (the lowest int) suggest: an all-negative x gives its largest element, not 0.
- An empty x has no non-empty subarray; ParEval's baseline would return the lowest int. We
  return 0, the sum of the empty array's only (empty) subarray, rather than a sentinel.
- The reference is Kadane's O(n) algorithm, so that the speedup measures parallelism; the
  baseline's double loop, had it reset currSum, would be the O(n^2) maximum over all
  subarrays.
- Bench size: 1.1e8 values (880 MB) make the serial numba reference take about 62 ms (ParEval:
  2^15 for its quadratic loop). The pure-Python reference (roughly 0.3 us a value) would need
  an estimated 33 s there, past the profile's 10 s cap for it, so the profile reports no
  vs_python for this task.
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
