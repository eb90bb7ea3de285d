"""In-place ReLU: replace every negative value by 0 (ParEval 55, relu).

Argument: `x`, a float64 array, modified in place: x[i] = max(x[i], 0). Return nothing.

Decisions:
- Values are uniform in [-50, 50) (about half negative); no NaN. N = 0 is an empty array.
- Sizes: ParEval uses N = 2^22. The loop is memory-bound (a read and a write per element), so it
  takes the bench N = 2e8 (1.6 GB) to keep the serial reference busy for 50 ms: about 62 ms. The
  pure-Python reference (about 0.1 us per element) would need about 21 s there, past the
  profile's 10 s cap for it, so the profile reports no vs_python for this task.
"""

CATEGORY = "transform"
SIZES = {"check": 2000, "bench": 200_000_000}


def make_inputs(size, rng):
    return (rng.uniform(-50.0, 50.0, size),)


def reference(x):
    for i in range(x.shape[0]):
        if x[i] < 0.0:
            x[i] = 0.0
