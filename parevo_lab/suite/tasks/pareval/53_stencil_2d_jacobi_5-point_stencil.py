"""One step of the 5-point 2-D Jacobi stencil on an N x N grid (ParEval 53).

Argument: `grid`, an N x N float64 array. Return a new N x N float64 array with
out[i, j] = (grid[i, j-1] + grid[i, j+1] + grid[i-1, j] + grid[i+1, j] + grid[i, j]) / 5.

Decisions:
- Border: cells outside the grid count as 0 (zero padding, as ParEval states); the terms are
  added in the order written above, then divided by 5.
- Output: ParEval writes into a caller-provided output grid; we return a new array.
- Tolerance: TOLERANCE is atol 1e-11, rtol 0, fixed rather than the default, which grows with
  N^2 (2.2e-7 at the bench size). Each output is five terms of magnitude at most 100 divided
  by 5: any order of the additions rounds by at most about 4 eps/2 x 500, and dividing by 5 or
  multiplying by 0.2 adds about eps/2 x 100, so a correct kernel is within about 1.2e-13 of
  the reference (measured: 2.8e-14 for other orders, 0.2 for 1/5, or each term divided
  first); 1e-11 leaves a margin of 80, while a wrong neighbour or border rule is off by up to
  20. ParEval's check is 1e-6 absolute and skips the border cells, which this comparison does
  not.
- Values are uniform in [-100, 100), as ParEval draws them. N = 0 gives a (0, 0) array.
- Sizes: ParEval uses N = 4096; the bench N = 3200 gives the serial reference about 53 ms and
  the pure-Python reference about 8 s (quiet 2-core machine).
"""

import numpy as np

CATEGORY = "stencil"
SIZES = {"check": 48, "bench": 3200}
TOLERANCE = {"rtol": 0.0, "atol": 1e-11}  # five terms of |v| <= 100: rounding ~1e-13


def make_inputs(size, rng):
    return (rng.uniform(-100.0, 100.0, (size, size)),)


def reference(grid):
    n = grid.shape[0]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            left = grid[i, j - 1] if j > 0 else 0.0
            right = grid[i, j + 1] if j < n - 1 else 0.0
            up = grid[i - 1, j] if i > 0 else 0.0
            down = grid[i + 1, j] if i < n - 1 else 0.0
            out[i, j] = (left + right + up + down + grid[i, j]) / 5.0
    return out
