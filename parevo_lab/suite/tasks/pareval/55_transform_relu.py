"""In-place ReLU: replace every negative value by 0 (ParEval 55, relu).

Argument: `x`, a float64 array, modified in place: x[i] = max(x[i], 0). Return nothing.

Decisions:
- Values are uniform in [-50, 50] (about half negative); no NaN. N = 0 is an empty array.
- Sizes: ParEval uses N = 2^22. The loop is memory-bound (a read and a write per element); the
  bench N = 2^26 (512 MiB) is as large as the checker's 8 GiB sandbox allows (2^27 runs out of
  memory in the comparison), so the serial reference takes only about 21 ms (pure Python:
  about 7 s; quiet 2-core machine).
"""

CATEGORY = "transform"
SIZES = {"check": 2000, "bench": 67108864}


def make_inputs(size, rng):
    return (rng.uniform(-50.0, 50.0, size),)


def reference(x):
    for i in range(x.shape[0]):
        if x[i] < 0.0:
            x[i] = 0.0
