"""Histogram of skewed byte values (ParEval 20, pixel_histogram, with a Zipf-skewed image)."""

import numpy as np

SIZES = {"check": 1000, "bench": 2_000_000}


def make_inputs(size, rng):
    pixels = (np.minimum(rng.zipf(1.5, size), 256) - 1).astype(np.int64)
    return (pixels,)


def reference(pixels):
    counts = np.zeros(256, np.int64)
    for i in range(pixels.shape[0]):
        counts[pixels[i]] += 1
    return counts
