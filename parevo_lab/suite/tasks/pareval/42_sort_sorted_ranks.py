"""Rank of each element in sorted order (ParEval 42, sort_sorted_ranks).

For each x[i] of a float32 vector, return its index in the sorted vector, as a new int64 array
(ParEval writes size_t ranks into a vector it is given).

Ties: ParEval's second example ([100, 7.6, 16.1, 18, 7.6] -> [4, 0, 1, 2, 3]) is not a valid
ranking (16.1 must come after both 7.6s), and its reference uses an unstable sort, so equal
values get ranks in no defined order. We define the rank as the position in a *stable* sort:
rank[i] = #{j : x[j] < x[i]} + #{j < i : x[j] == x[i]}, so equal values are ranked in input
order and the answer is unique (ranks is the inverse of a stable argsort).

Inputs: uniform in [-100, 100] (ParEval's range) rounded to 2 decimals, so equal values are
common and the tie rule is exercised; no NaN and no -0.0. The reference is numpy's stable
argsort (numba compiles it), the good serial algorithm as in ParEval's std::sort baseline.
"""

import numpy as np

CATEGORY = "sort"
SIZES = {"check": 1000, "bench": 524_288}


def make_inputs(size, rng):
    x = np.round(rng.uniform(-100.0, 100.0, size), 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    return (x.astype(np.float32),)


def reference(x):
    order = np.argsort(x, kind="mergesort")
    ranks = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        ranks[order[i]] = i
    return ranks
