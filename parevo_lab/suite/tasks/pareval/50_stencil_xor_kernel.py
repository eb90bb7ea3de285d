"""XOR of the neighbours: a cell becomes 1 iff exactly one of its 4 neighbours is 1 (ParEval 50).

Argument: `grid`, an N x N int64 array of 0s and 1s. Return a new N x N int64 array where
cell (i, j) is 1 if exactly one of (i-1, j), (i+1, j), (i, j-1), (i, j+1) is 1, and 0
otherwise; the cell's own value does not count.

Decisions:
- Border: neighbours outside the grid count as 0 (zero padding, no wrap-around).
- Output: ParEval writes into a caller-provided output grid; we return a new array.
- Dtype: ParEval's grids are C ints; ours are numpy's default int64. Cells are 1 with
  probability 0.3 (ParEval draws 0/1 uniformly; 0.3 makes "exactly one" less frequent).
- N = 0 gives a (0, 0) array.
- Sizes: ParEval uses N = 4096; the bench N = 3072 gives the serial reference about 65 ms and
  the pure-Python reference about 7 s (quiet 2-core machine).
"""

import numpy as np

CATEGORY = "stencil"
SIZES = {"check": 48, "bench": 3072}


def make_inputs(size, rng):
    return ((rng.random((size, size)) < 0.3).astype(np.int64),)


def reference(grid):
    n = grid.shape[0]
    out = np.zeros((n, n), np.int64)
    for i in range(n):
        for j in range(n):
            ones = 0
            if i > 0 and grid[i - 1, j] == 1:
                ones += 1
            if i < n - 1 and grid[i + 1, j] == 1:
                ones += 1
            if j > 0 and grid[i, j - 1] == 1:
                ones += 1
            if j < n - 1 and grid[i, j + 1] == 1:
                ones += 1
            if ones == 1:
                out[i, j] = 1
    return out
