"""In place: replace every value by its square (ParEval 58, squaring).

Argument: `x`, an int64 array, modified in place: x[i] = x[i] * x[i]. Return nothing.

Decisions:
- Dtype: ParEval's values are C ints; ours are numpy's default int64, uniform in
  [-10000, 10000], so squares cannot overflow (even in 32 bits; ParEval: -50 to 49).
- N = 0 is an empty array.
- Sizes: ParEval uses N = 2^22. The serial loop is memory-bound (about 0.32 ns per element), so
  it takes the bench N = 2e8 (1.6 GB) to keep the serial reference busy for 50 ms: about 64 ms.
  The pure-Python reference (about 0.15 us per element) would need about 30 s there, past the
  profile's 10 s cap for it, so the profile reports no vs_python for this task.
"""

CATEGORY = "transform"
SIZES = {"check": 2000, "bench": 200_000_000}


def make_inputs(size, rng):
    return (rng.integers(-10000, 10001, size),)


def reference(x):
    for i in range(x.shape[0]):
        v = x[i]
        x[i] = v * v
