"""One step of the 5-point 2-D Jacobi stencil on an N x N grid (ParEval 53).

Argument: `grid`, an N x N float64 array. Return a new N x N float64 array with
out[i, j] = (grid[i, j-1] + grid[i, j+1] + grid[i-1, j] + grid[i+1, j] + grid[i, j]) / 5.

Decisions:
- Border: cells outside the grid count as 0 (zero padding, as ParEval states); the terms are
  added in the order written above, then divided by 5.
- Output: ParEval writes into a caller-provided output grid; we return a new array.
- Values are uniform in [-100, 100]. N = 0 gives a (0, 0) array.
- Sizes: ParEval uses N = 4096; the bench N = 3200 gives the serial reference about 53 ms and
  the pure-Python reference about 8 s (quiet 2-core machine).
"""

import numpy as np

CATEGORY = "stencil"
SIZES = {"check": 48, "bench": 3200}


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
