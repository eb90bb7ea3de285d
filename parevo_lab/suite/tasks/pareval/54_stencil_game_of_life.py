"""One generation of Conway's Game of Life on an N x N grid (ParEval 54, game_of_life).

Argument: `grid`, an N x N int64 array, 1 = alive, 0 = dead. Return the next generation as a
new N x N int64 array: a live cell with 2 or 3 live neighbours (of its 8) stays alive, a dead
cell with exactly 3 becomes alive, every other cell is dead.

Decisions:
- Border: cells outside the grid are dead (no wrap-around).
- Output: ParEval writes into a caller-provided output grid; we return a new array.
- Dtype: ParEval's grids are C ints; ours are numpy's default int64. Cells are alive with
  probability 0.3, so every rule fires often (ParEval draws 0/1 uniformly).
- N = 0 gives a (0, 0) array.
- Sizes: ParEval uses N = 4096; the bench N = 1920 gives the serial reference about 60 ms and
  the pure-Python reference about 9 s (quiet 2-core machine).
"""

import numpy as np

CATEGORY = "stencil"
SIZES = {"check": 48, "bench": 1920}


def make_inputs(size, rng):
    return ((rng.random((size, size)) < 0.3).astype(np.int64),)


def reference(grid):
    n = grid.shape[0]
    out = np.zeros((n, n), np.int64)
    for i in range(n):
        for j in range(n):
            alive = -grid[i, j]
            for r in range(max(i - 1, 0), min(i + 2, n)):
                for c in range(max(j - 1, 0), min(j + 2, n)):
                    alive += grid[r, c]
            if alive == 3 or (alive == 2 and grid[i, j] == 1):
                out[i, j] = 1
    return out
