"""Number of strings starting with each letter (ParEval 23, histogram_first_letter_counts).

The strings are a 2-d uint8 array s of shape (n, 10): row i holds the ASCII bytes of string i,
padded with zero bytes (the layout of numpy's "S10" strings). Every string is 2 to 10 lowercase
letters (ParEval's fillRandString(s, 2, 10) draws 2 to 9). The answer is an int64 array of 26
counts, counts[k] = number of strings whose first byte is ord("a") + k (ParEval fills an
array<size_t, 26> argument `bins`; we return it).

Decisions:
- Encoding: numba has no usable strings, so the strings are a padded 2-d byte array rather than
  a 1-d array of first letters: a kernel reads one byte out of every 10, as a loop over
  std::string would touch each string, instead of a plain byte histogram (ParEval 20 already is
  one).
- Strings are never empty, so every first byte is a lowercase letter (ParEval assumes the same).
- Inputs: first letters follow the frequencies of first letters of English words (s, c, p, d, m
  most common; ParEval's are uniform), the remaining letters are uniform; lengths uniform in
  2..10.
- Bench size: 1e8 strings (1 GB) make the serial numba reference take about 60 ms. The
  pure-Python reference (about 0.5 us a string) would need about 50 s, past the profile's 10 s
  cap for it, so the profile reports no vs_python for this task.
"""

import numpy as np

CATEGORY = "histogram"
SIZES = {"check": 2000, "bench": 100_000_000}

WIDTH = 10
A = 97  # ord("a")
# Relative frequency of each first letter in an English dictionary, a to z.
FIRST_LETTERS = np.array(
    [6.0, 4.4, 9.4, 5.8, 4.0, 4.0, 3.2, 3.6, 3.6, 0.8, 1.0, 3.0, 5.2,
     2.0, 2.4, 8.0, 0.6, 5.0, 11.6, 5.2, 3.0, 1.6, 2.4, 0.1, 0.4, 0.3]
)  # fmt: skip


def make_inputs(size, rng):
    s = rng.integers(A, A + 26, (size, WIDTH), dtype=np.uint8)
    p = FIRST_LETTERS / FIRST_LETTERS.sum()
    for lo in range(0, size, 1 << 22):  # in slices: no int64 temporaries of the full size
        n = min(size - lo, 1 << 22)
        s[lo : lo + n, 0] = A + rng.choice(26, n, p=p)
        lengths = rng.integers(2, WIDTH + 1, n)
        s[lo : lo + n][np.arange(WIDTH) >= lengths[:, None]] = 0
    return (s,)


def reference(s):
    counts = np.zeros(26, np.int64)
    for i in range(s.shape[0]):
        counts[s[i, 0] - A] += 1
    return counts
