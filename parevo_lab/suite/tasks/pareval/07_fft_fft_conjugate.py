"""FFT in place, then the complex conjugate of every value (ParEval 07, fft_conjugate).

x is a complex128 vector of length n, a power of two. Overwrite it with conj(X) where X is its
forward discrete Fourier transform, X[k] = sum_j x[j] e^{-2 pi i jk/n}. Nothing is returned.

Decisions:
- Definition: numpy's forward FFT (np.fft.fft: e^{-2 pi i jk/n}, no scaling), then the conjugate
  of each value: x <- np.conj(np.fft.fft(x)), as the prompt's words say. ParEval's timed
  baseline, correctFft, computes exactly that. Its validation reference, fftCooleyTookey,
  conjugates at every level of its recursion and so matches no standard convention (on random
  input it is neither conj(FFT) nor the FFT), so a kernel that computes conj(FFT) fails
  ParEval's own check; and the prompt's example output is the FFT without the conjugate. We
  follow the words and the timed baseline.
- n is a power of two: make_inputs turns size into the smallest power of two >= size (3 -> 4,
  17 -> 32); size 0 gives an empty vector, whose transform is empty (nothing to do).
- The reference is an iterative radix-2 FFT (in-place bit-reversal permutation, then log2 n
  butterfly stages over a table of n/2 twiddle factors) in plain loops, then the conjugation.
- Real and imaginary parts uniform in [-1, 1).
- Bench size: n = 2^21, a 34 MB vector (ParEval: 2^18, which takes under 50 ms serially): the
  serial numba reference takes about 147 ms. The pure-Python reference does (n/2) log2 n = 2.2e7
  butterflies at roughly a microsecond each, so it would need tens of seconds, past the
  profile's 10 s cap for it: the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "fft"
SIZES = {"check": 1024, "bench": 2_097_152}


def make_inputs(size, rng):
    n = 1 << (size - 1).bit_length() if size > 0 else 0
    x = rng.uniform(-1.0, 1.0, n) + 1j * rng.uniform(-1.0, 1.0, n)
    return (x,)


def reference(x):
    n = x.shape[0]
    j = 0
    for i in range(n):
        if i < j:
            x[i], x[j] = x[j], x[i]
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
                t = w[k * stride] * x[start + k + half]
                u = x[start + k]
                x[start + k] = u + t
                x[start + k + half] = u - t
        length *= 2
    for i in range(n):
        x[i] = x[i].conjugate()
