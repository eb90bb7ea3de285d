"""Edge-detection convolution of a grayscale image, clipped to [0, 255] (ParEval 51, edge_kernel).

Argument: `image`, an N x N int64 array of pixel values in [0, 255]. Return a new N x N int64
array: pixel (i, j) is 8 x image[i, j] minus the sum of its 8 neighbours (the 3 x 3 kernel
[[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]), clipped to [0, 255].

Decisions:
- Border: pixels outside the image count as 0 (zero padding, as ParEval states).
- Output: ParEval writes into a caller-provided output image; we return a new array.
- Dtype: ParEval's pixels are C ints; ours are numpy's default int64.
- N = 0 gives a (0, 0) array.
- Sizes: ParEval uses N = 4096; the bench N = 2048 gives the serial reference about 58 ms and
  the pure-Python reference about 12 s (quiet 2-core machine).
"""

import numpy as np

CATEGORY = "stencil"
SIZES = {"check": 48, "bench": 2048}


def make_inputs(size, rng):
    return (rng.integers(0, 256, (size, size)),)


def reference(image):
    n = image.shape[0]
    out = np.zeros((n, n), np.int64)
    for i in range(n):
        for j in range(n):
            total = 9 * image[i, j]
            for r in range(max(i - 1, 0), min(i + 2, n)):
                for c in range(max(j - 1, 0), min(j + 2, n)):
                    total -= image[r, c]
            out[i, j] = min(max(total, 0), 255)
    return out
