"""In place: replace every value by its square (ParEval 58, squaring).

Argument: `x`, an int64 array, modified in place: x[i] = x[i] * x[i]. Return nothing.

Decisions:
- Dtype: ParEval's values are C ints; ours are numpy's default int64, uniform in
  [-10000, 10000], so squares cannot overflow (even in 32 bits).
- N = 0 is an empty array.
- Sizes: ParEval uses N = 2^22. The serial loop is memory-bound (about 0.35 ns per element);
  the bench N = 2^26 (512 MiB) is as large as the checker's 8 GiB sandbox allows (2^27 runs out
  of memory in the comparison), so the serial reference takes only about 25 ms (pure Python:
  about 10 s; quiet 2-core machine).
"""

CATEGORY = "transform"
SIZES = {"check": 2000, "bench": 67108864}


def make_inputs(size, rng):
    return (rng.integers(-10000, 10001, size),)


def reference(x):
    for i in range(x.shape[0]):
        v = x[i]
        x[i] = v * v
