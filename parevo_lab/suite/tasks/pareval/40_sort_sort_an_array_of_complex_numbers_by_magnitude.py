"""Sort complex numbers by magnitude (ParEval 40, sort_sort_an_array_of_complex_numbers_by_magnitude).

Sort a complex128 vector x by |x| in ascending order. ParEval sorts in place; here the kernel
returns the sorted values as a new array (x is not modified), because the check needs the
kernel's output next to the reference's.

Ties: numbers of equal magnitude (3+4j, -5, 5j, ...) may come in any order. The check accepts
any output whose magnitudes never decrease and which is a permutation of the input (compared as
multisets of exact complex values). Magnitudes are compared with a 4-ulp slack, so a kernel may
compute |z| another way (sqrt(re^2 + im^2) instead of hypot).

Inputs: real and imaginary parts are integers in [-100, 100] (ParEval draws doubles from
[-100, 100]; integers make equal magnitudes common, so the tie rule is exercised). The
reference is numpy's stable argsort of the magnitudes (numba compiles it): a sort is the good
serial algorithm, as in ParEval's std::sort baseline.
"""

import numpy as np

CATEGORY = "sort"
SIZES = {"check": 1000, "bench": 524_288}


def make_inputs(size, rng):
    parts = rng.integers(-100, 101, (2, size)).astype(np.float64)
    return (parts[0] + 1j * parts[1],)


def reference(x):
    order = np.argsort(np.abs(x), kind="mergesort")
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = x[order[i]]
    return out


def check(expected, actual, args):
    if not isinstance(actual, np.ndarray) or actual.dtype.kind != "c":
        raise AssertionError(f"expected a complex array, got {type(actual).__name__}")
    if actual.shape != expected.shape:
        raise AssertionError(f"expected shape {expected.shape}, got shape {actual.shape}")
    magnitude = np.abs(actual)
    slack = 4 * np.finfo(np.float64).eps * magnitude[1:]
    drops = np.flatnonzero(magnitude[1:] < magnitude[:-1] - slack)
    if drops.size:
        i = drops[0]
        raise AssertionError(
            f"not sorted by magnitude at {drops.size} places; first: |out[{i}]| = "
            f"{magnitude[i]!r} > |out[{i + 1}]| = {magnitude[i + 1]!r}"
        )
    want = expected[np.lexsort((expected.imag, expected.real))]
    got = actual[np.lexsort((actual.imag, actual.real))]
    bad = np.flatnonzero(want != got)
    if bad.size:
        i = bad[0]
        raise AssertionError(
            f"the output is not a permutation of the input: {bad.size} of {want.size} values "
            f"differ once both are ordered by (real, imag); first: expected {want[i]!r}, "
            f"got {got[i]!r}"
        )
