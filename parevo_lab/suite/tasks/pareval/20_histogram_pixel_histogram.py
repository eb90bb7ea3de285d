"""Histogram of grayscale pixel values (ParEval 20, histogram_pixel_histogram).

pixels is a 1-d int32 array of values in [0, 256); the answer is an int64 array of 256 counts,
counts[v] = number of pixels equal to v (ParEval fills an array<size_t, 256> argument; we return
it).

Decisions:
- int32 pixels, as ParEval's vector<int> (not uint8).
- Inputs look like a photograph's histogram rather than uniform noise: a dark background (normal,
  mean 40, sd 20) and a bright object (normal, mean 180, sd 35) in a proportion drawn per input,
  clipped to [0, 255], so a few bins are crowded and the extremes 0 and 255 pile up.
- Bench size: 2^25 pixels (128 MB) keep the pure-Python reference (about 0.25 us a pixel) near
  10 s; the serial numba reference (about 0.5 ns a pixel) then takes under the 50 ms aimed at.
"""

import numpy as np

CATEGORY = "histogram"
SIZES = {"check": 2000, "bench": 33_554_432}


def make_inputs(size, rng):
    bright = rng.random(size) < rng.uniform(0.2, 0.6)
    values = np.where(bright, rng.normal(180.0, 35.0, size), rng.normal(40.0, 20.0, size))
    return (np.clip(np.rint(values), 0, 255).astype(np.int32),)


def reference(pixels):
    counts = np.zeros(256, np.int64)
    for i in range(pixels.shape[0]):
        counts[pixels[i]] += 1
    return counts
