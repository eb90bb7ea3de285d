"""In place: negate the odd values and halve the even ones (ParEval 56, negate_odds).

Argument: `x`, an int64 array, modified in place: an odd value v becomes -v, an even value v
becomes v / 2 (exact). Return nothing.

Decisions:
- Negative values: odd means v % 2 != 0 (so -3 is odd and becomes 3); -4 becomes -2.
- Dtype: ParEval's values are C ints; ours are numpy's default int64, uniform in [-1000, 1000].
- N = 0 is an empty array.
- Sizes: ParEval uses N = 2^22. The serial loop is memory-bound (about 0.3 ns per element);
  the bench N = 2^26 (512 MiB) is as large as the checker's 8 GiB sandbox allows (2^27 runs out
  of memory in the comparison), so the serial reference takes only about 22 ms (pure Python:
  about 13 s; quiet 2-core machine).
"""

CATEGORY = "transform"
SIZES = {"check": 2000, "bench": 67108864}


def make_inputs(size, rng):
    return (rng.integers(-1000, 1001, size),)


def reference(x):
    for i in range(x.shape[0]):
        v = x[i]
        x[i] = -v if v % 2 != 0 else v // 2
