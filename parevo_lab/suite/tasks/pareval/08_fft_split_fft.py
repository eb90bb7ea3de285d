"""FFT of a complex vector into separate real and imaginary arrays (ParEval 08, split_fft).

x is a complex128 vector of length n, a power of two; r and i are float64 output vectors of n
(they arrive filled with zeros). Store X = the forward discrete Fourier transform of x,
X[k] = sum_j x[j] e^{-2 pi i jk/n}, as r[k] = Re X[k] and i[k] = Im X[k]; x must be left
unchanged. Nothing is returned.

Decisions:
- Convention: numpy's forward FFT (np.fft.fft: e^{-2 pi i jk/n}, no scaling).
- n is a power of two: make_inputs turns size into the smallest power of two >= size (3 -> 4,
  17 -> 32); size 0 gives empty vectors (nothing to do).
- The reference copies x into a work array in bit-reversed order, runs the log2 n radix-2
  butterfly stages there (iterative, plain loops, a table of n/2 twiddle factors), then splits it.
- Real and imaginary parts of x uniform in [-1, 1). Bench n is 2^20 (ParEval: 2^17, which takes
  under 50 ms serially).
"""

import numpy as np

CATEGORY = "fft"
SIZES = {"check": 1024, "bench": 1048576}


def make_inputs(size, rng):
    n = 1 << (size - 1).bit_length() if size > 0 else 0
    x = rng.uniform(-1.0, 1.0, n) + 1j * rng.uniform(-1.0, 1.0, n)
    return x, np.zeros(n), np.zeros(n)


def reference(x, r, i):
    n = x.shape[0]
    y = np.empty(n, np.complex128)
    j = 0
    for k in range(n):
        y[j] = x[k]
        bit = n >> 1
        while bit > 0 and j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
    w = np.exp(-2j * np.pi * np.arange(n // 2) / n)
    length = 2
    while length <= n:
        half = length // 2
        stride = n // length
        for start in range(0, n, length):
            for k in range(half):
                t = w[k * stride] * y[start + k + half]
                u = y[start + k]
                y[start + k] = u + t
                y[start + k + half] = u - t
        length *= 2
    for k in range(n):
        r[k] = y[k].real
        i[k] = y[k].imag
