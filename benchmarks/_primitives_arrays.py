"""Array primitives next to their numpy equivalents: numpy, serial numba, parallel numba.

`rows(n, threads)` returns one dict per primitive with the median seconds of 5 timed runs after a
warm-up: "numpy" (the numpy equivalent), "serial" (our function on one thread: the same compiled
code with the thread mask at 1, so the scans and sorts whose parallel loops live in private
helpers run serially too) and "parallel" (ours at `threads`). Inputs are made once, outside the
timed region; no primitive here modifies its input. Prints nothing.
"""

from __future__ import annotations

import statistics
import time

import numba
import numpy as np

from parevo_lab import primitives as P

REPEAT = 5


def _median_seconds(fn, args):
    fn(*args)  # warm-up (compile, page faults)
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _cases(n, rng):
    ints = rng.integers(0, 2**32, n)
    floats = rng.standard_normal(n)
    flags = rng.random(n) < 0.5
    keys = rng.integers(0, 2**16, n)
    lengths = rng.integers(1, 21, n // 10)
    offsets = np.zeros(len(lengths) + 1, np.int64)
    offsets[1:] = np.cumsum(lengths)
    seg_values = rng.standard_normal(offsets[-1])
    small = rng.integers(0, n // 10, n)
    a = np.sort(rng.integers(0, 2**40, n // 2))
    b = np.sort(rng.integers(0, 2**40, n - n // 2))
    k_groups = 1 << 16
    seed = 12345

    def stable_sort(x):
        order = np.argsort(x, kind="stable")
        return x[order], order

    selected = rng.integers(0, len(lengths), len(lengths) // 2)

    def np_flatten(o, v, sel):
        # numpy's gather of segments: a repeat of each start, plus the offset within the segment
        lens = o[sel + 1] - o[sel]
        new = np.zeros(len(sel) + 1, np.int64)
        np.cumsum(lens, out=new[1:])
        within = np.arange(new[-1]) - np.repeat(new[:-1], lens)
        return new, v[np.repeat(o[sel], lens) + within]

    def groups(k):
        return np.cumsum(np.bincount(k, minlength=k_groups)), np.argsort(k, kind="stable")

    return [
        ("reduce_sum", np.sum, P.reduce_sum, (floats,)),
        ("reduce_min", np.min, P.reduce_min, (floats,)),
        ("argmin", np.argmin, P.argmin, (floats,)),
        ("inclusive_scan ADD", np.cumsum, P.inclusive_scan, (ints,), (ints, P.ADD)),
        ("inclusive_scan MAX", np.maximum.accumulate, P.inclusive_scan, (ints,), (ints, P.MAX)),
        ("pack", lambda v, f: v[f], P.pack, (floats, flags)),
        ("pack_index", np.flatnonzero, P.pack_index, (flags,)),
        ("histogram", lambda k, m: np.bincount(k, minlength=m), P.histogram, (keys, 1 << 16)),
        (
            "segmented_reduce ADD",
            lambda o, v: np.add.reduceat(v, o[:-1]),
            P.segmented_reduce,
            (offsets, seg_values),
            (offsets, seg_values, P.ADD),
        ),
        ("flatten", np_flatten, P.flatten, (offsets, seg_values, selected)),
        ("radix_sort", stable_sort, P.radix_sort, (ints,)),
        ("sort_floats", np.sort, P.sort_floats, (floats,)),
        ("group_by_key", groups, P.group_by_key, (keys,), (keys, k_groups)),
        ("unique", np.unique, P.unique, (small,)),
        (
            "random_permutation",
            lambda m, s: np.random.default_rng(s).permutation(m),
            P.random_permutation,
            (n, seed),
        ),
        ("merge", lambda x, y: np.sort(np.concatenate((x, y)), kind="stable"), P.merge, (a, b)),
    ]


def rows(n=10**7, threads=2):
    """Median seconds of numpy, serial and parallel for each primitive at size n (yielded one by one)."""
    rng = np.random.default_rng(0)
    saved = numba.get_num_threads()
    try:
        for case in _cases(n, rng):
            name, numpy_fn, ours, numpy_args = case[:4]
            our_args = case[4] if len(case) > 4 else numpy_args
            row = {"primitive": name, "numpy": _median_seconds(numpy_fn, numpy_args)}
            numba.set_num_threads(1)
            row["serial"] = _median_seconds(ours, our_args)
            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
            row["parallel"] = _median_seconds(ours, our_args)
            yield row
    finally:
        numba.set_num_threads(saved)
