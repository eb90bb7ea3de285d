"""Discrete Fourier transform of a real vector (ParEval 06, dft).

x is a float64 vector of length n, a power of two; output is a complex128 vector of n (it
arrives filled with zeros). Store the full spectrum output[k] = sum_j x[j] e^{-2 pi i jk/n},
k = 0 .. n-1; x must be left unchanged. Nothing is returned.

Decisions:
- Convention: numpy's forward transform (np.fft.fft on the real x, no scaling).
- ParEval's reference is the O(n^2) double loop. Ours is an O(n log n) FFT, so that speedups
  measure parallelism and not the FFT's algorithmic gain: the standard real-input FFT, which packs
  the n reals into n/2 complex values z[k] = x[2k] + i x[2k+1], transforms z with an iterative
  radix-2 FFT (plain loops, one table of twiddle factors e^{-2 pi i k/n}, k < n/2), and splits
  the result into the spectra E and O of the even and odd samples:
  output[k] = E[k] + w^k O[k] and output[k + n/2] = E[k] - w^k O[k].
- n is therefore a power of two: make_inputs turns size into the smallest power of two >= size
  (3 -> 4, 17 -> 32); size 0 gives empty vectors (nothing to do), n = 1 gives output[0] = x[0].
- x uniform in [-1, 1). Bench n is 2^21 (ParEval: 2^11, for the O(n^2) loop).
"""

import numpy as np

CATEGORY = "fft"
SIZES = {"check": 1024, "bench": 2097152}


def make_inputs(size, rng):
    n = 1 << (size - 1).bit_length() if size > 0 else 0
    return rng.uniform(-1.0, 1.0, n), np.zeros(n, np.complex128)


def reference(x, output):
    n = x.shape[0]
    if n == 1:
        output[0] = x[0]
    if n < 2:
        return
    m = n // 2
    z = np.empty(m, np.complex128)
    j = 0
    for k in range(m):
        z[j] = complex(x[2 * k], x[2 * k + 1])
        bit = m >> 1
        while bit > 0 and j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
    w = np.exp(-2j * np.pi * np.arange(m) / n)
    length = 2
    while length <= m:
        half = length // 2
        stride = n // length
        for start in range(0, m, length):
            for k in range(half):
                t = w[k * stride] * z[start + k + half]
                u = z[start + k]
                z[start + k] = u + t
                z[start + k + half] = u - t
        length *= 2
    for k in range(m):
        a = z[k]
        b = z[(m - k) % m].conjugate()
        even = 0.5 * (a + b)
        odd = -0.5j * (a - b)
        t = w[k] * odd
        output[k] = even + t
        output[k + m] = even - t
