"""Sort records by start time (ParEval 43, sort_sort_an_array_of_structs_by_key).

ParEval sorts a vector of structs {int startTime, int duration, float value} in place by
startTime, ascending. We pass the records as a struct of arrays (start_time and duration int32,
value float32) and the kernel returns the three sorted arrays as a new tuple
(start_time, duration, value); the inputs are not modified.

Ties: records with equal start times may come in any order, but each record must stay whole.
The check accepts any output whose start times equal the sorted start times and whose
(start_time, duration, value) triples are a permutation of the input's.

Inputs: start time in [0, 100], duration in [1, 10], value in [-1, 1) (ParEval's ranges, except
that its fillRand(.., 0, 100) and fillRand(.., 1, 10) draw start times 0 to 99 and durations 1
to 9), so most records share their start time with many others. The reference is numpy's
stable argsort of the start times (numba compiles it), the good serial algorithm as in
ParEval's std::sort baseline.
"""

import numpy as np

CATEGORY = "sort"
SIZES = {"check": 1000, "bench": 524_288}


def make_inputs(size, rng):
    start_time = rng.integers(0, 101, size).astype(np.int32)
    duration = rng.integers(1, 11, size).astype(np.int32)
    value = rng.uniform(-1.0, 1.0, size).astype(np.float32)
    return start_time, duration, value


def reference(start_time, duration, value):
    order = np.argsort(start_time, kind="mergesort")
    n = start_time.shape[0]
    sorted_start = np.empty(n, np.int32)
    sorted_duration = np.empty(n, np.int32)
    sorted_value = np.empty(n, np.float32)
    for i in range(n):
        sorted_start[i] = start_time[order[i]]
        sorted_duration[i] = duration[order[i]]
        sorted_value[i] = value[order[i]]
    return sorted_start, sorted_duration, sorted_value


def check(expected, actual, args):
    if not isinstance(actual, tuple | list) or len(actual) != 3:
        raise AssertionError("expected a tuple (start_time, duration, value) of three arrays")
    got = [np.asarray(a) for a in actual]
    for name, want, have in zip(("start_time", "duration", "value"), expected, got, strict=True):
        if have.shape != want.shape:
            raise AssertionError(f"{name}: expected shape {want.shape}, got shape {have.shape}")
    bad = np.flatnonzero(got[0] != expected[0])
    if bad.size:
        i = bad[0]
        raise AssertionError(
            f"start_time is not the sorted start times at {bad.size} places; first at index "
            f"{i}: expected {expected[0][i]}, got {got[0][i]}"
        )
    want = np.lexsort(expected[::-1])
    have = np.lexsort(got[::-1])
    for name, w, h in zip(("start_time", "duration", "value"), expected, got, strict=True):
        differ = np.flatnonzero(w[want] != h[have])
        if differ.size:
            raise AssertionError(
                f"the records are not a permutation of the input's: {differ.size} of "
                f"{w.size} {name} values differ once both are ordered by "
                "(start_time, duration, value): a record was split or changed"
            )
