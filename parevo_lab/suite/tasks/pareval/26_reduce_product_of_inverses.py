"""Product with every odd-indexed element inverted (ParEval 26, reduce_product_of_inverses).

x is a 1-d float64 array; the answer is x[0] * (1 / x[1]) * x[2] * (1 / x[3]) * ..., 1.0 for an
empty array (the empty product).

Decisions:
- Inputs keep the product in range (ParEval draws uniform values in [0, 100)). Values come in
  pairs: x[2k] has a random sign and a magnitude
  in [e^-3, e^3], and x[2k+1] = x[2k] * e^d with d uniform in [-0.01, 0.01], so each pair
  contributes a factor near 1, and the natural logarithm of the product of ANY contiguous run
  is a short random walk (standard deviation about 40 at the bench size, e^700 would overflow):
  blocked or tree-shaped kernels never overflow or underflow. No element is zero. Computing the
  product of the even elements and dividing by the product of the odd ones is a different
  formula, not a reordering: at the bench size it overflows and is wrong.
- Tolerance: any order of the multiplications is valid. The reference rounds n times (a quotient
  and a product per pair); a kernel that inverts, then multiplies, rounds at most 2n times; each
  rounding is off by at most 2^-53 relatively, so the two differ by at most about 3n * 2^-53
  relatively. The check accepts a relative difference up to 2n * 2^-52 (and exactly 1.0 for an
  empty input).
- The reference multiplies by the quotient x[2k] / x[2k+1] of each pair: the divisions are then
  off the chain of dependent multiplications (a loop that divides the running product waits
  for every division, about 3x slower serially here).
- Bench size: 9.6e7 values (768 MB): the serial reference takes about 61 ms. The pure-Python
  reference (about 0.25 us a value) would need about 23 s, past the profile's 10 s cap for it,
  so the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "reduce"
SIZES = {"check": 2000, "bench": 96_000_000}


def make_inputs(size, rng):
    pairs = (size + 1) // 2
    lead = rng.choice((-1.0, 1.0), pairs) * np.exp(rng.uniform(-3.0, 3.0, pairs))
    follow = lead * np.exp(rng.uniform(-0.01, 0.01, pairs))
    return (np.stack((lead, follow), axis=1).ravel()[:size].copy(),)


def reference(x):
    n = x.shape[0]
    product = 1.0
    for k in range(n // 2):
        product *= x[2 * k] / x[2 * k + 1]
    if n % 2 == 1:
        product *= x[n - 1]
    return product


def check(expected, actual, args):
    n = args[0].shape[0]
    try:
        value = float(actual)
    except (TypeError, ValueError):
        raise AssertionError(f"expected a float, got {actual!r}") from None
    rtol = 2 * n * np.finfo(np.float64).eps
    if not abs(value - expected) <= rtol * abs(expected):
        raise AssertionError(
            f"product {value!r}, expected {expected!r} within a relative {rtol:.1e} "
            f"(differs by {abs(value - expected) / abs(expected):.1e})"
        )
