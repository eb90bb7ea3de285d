"""In place: negate the odd values and halve the even ones (ParEval 56, negate_odds).

Argument: `x`, an int64 array, modified in place: an odd value v becomes -v, an even value v
becomes v / 2 (exact). Return nothing.

Decisions:
- Negative values: odd means v % 2 != 0 (so -3 is odd and becomes 3); -4 becomes -2.
- Dtype: ParEval's values are C ints; ours are numpy's default int64, uniform in [-1000, 1000]
  (ParEval: 1 to 99, never negative).
- N = 0 is an empty array.
- Sizes: ParEval uses N = 2^22. The serial loop is memory-bound (about 0.34 ns per element), so
  it takes the bench N = 2e8 (1.6 GB) to keep the serial reference busy for 50 ms: about 67 ms.
  The pure-Python reference (about 0.2 us per element) would need about 39 s there, past the
  profile's 10 s cap for it, so the profile reports no vs_python for this task.
"""

CATEGORY = "transform"
SIZES = {"check": 2000, "bench": 200_000_000}


def make_inputs(size, rng):
    return (rng.integers(-1000, 1001, size),)


def reference(x):
    for i in range(x.shape[0]):
        v = x[i]
        x[i] = -v if v % 2 != 0 else v // 2
