"""Sort the non-zero elements, zeros stay put (ParEval 44, sort_sort_non-zero_elements).

Sort an int64 vector x in place, ascending, ignoring its zeros: every zero keeps its position and
the other values are sorted into the remaining positions (ParEval's example:
[8, 4, 0, 9, 8, 0, 1, -1, 7] -> [-1, 1, 0, 4, 7, 0, 8, 8, 9]). The kernel returns nothing.

Inputs: values uniform over the 32-bit signed range (int64 instead of C's int; negatives, as in
ParEval's example), each set to zero with probability 1/5. ParEval's driver zeroes 4 in 5
(`if (rand() % 5) x[i] = 0`, apparently meant the other way round) and draws only
non-negative values. The reference gathers the non-zeros, sorts them with numpy's sort (numba
compiles it) and writes them back: the good serial algorithm, as in ParEval's baseline.
"""

import numpy as np

CATEGORY = "sort"
SIZES = {"check": 1000, "bench": 1_048_576}


def make_inputs(size, rng):
    x = rng.integers(-(2**31), 2**31, size)
    x[rng.random(size) < 0.2] = 0
    return (x,)


def reference(x):
    count = 0
    for i in range(x.shape[0]):
        if x[i] != 0:
            count += 1
    where = np.empty(count, np.int64)
    values = np.empty(count, np.int64)
    j = 0
    for i in range(x.shape[0]):
        if x[i] != 0:
            where[j] = i
            values[j] = x[i]
            j += 1
    values.sort()
    for j in range(count):
        x[where[j]] = values[j]
