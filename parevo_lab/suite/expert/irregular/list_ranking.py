"""Sparse ruling set: sublists walked in parallel twice, the rulers' ranks found serially.

About one node in RULER_EVERY (chosen by a hash of its id) and the head become rulers. Each
ruler walks its sublist up to the next ruler, counting its nodes (sublists are disjoint). A
serial pass over the short list of rulers turns the counts into each ruler's rank, and a second
parallel walk writes rank[v] = its ruler's rank - v's distance from the ruler: every node is
written by the one walker of its sublist. The head is found without a scatter: it is the one id
missing from ``next``, so head = n(n - 1)/2 - (sum of next + 1).

Following a list is a chain of dependent cache misses, so one iteration advances GROUP walks
in lockstep, one step each per pass: their loads are independent and overlap in the memory
system (about twice the throughput of one walk at a time here). Ruler-ness is tested in a bool
array (n bytes, cache-friendly); a ruler's index is looked up by binary search in the sorted
ruler list only at the end of each sublist.
"""

import numba
import numpy as np

RULER_EVERY = 64
GROUP = 64  # walks advanced in lockstep by one iteration: their loads overlap in memory


@numba.njit(parallel=True)
def kernel(next):
    n = next.shape[0]
    rank = np.empty(n, np.int64)
    if n == 0:
        return rank
    total = 0
    for v in numba.prange(n):
        total += next[v]
    head = n * (n - 1) // 2 - (total + 1)
    chosen = np.empty(n, np.bool_)
    for v in numba.prange(n):
        x = np.uint64(v) * np.uint64(0x9E3779B97F4A7C15)
        chosen[v] = v == head or (x ^ (x >> np.uint64(29))) % np.uint64(RULER_EVERY) == 0
    rulers = np.flatnonzero(chosen)
    count = rulers.shape[0]
    length = np.ones(count, np.int64)
    after = np.empty(count, np.int64)  # index of the ruler whose sublist follows, -1 at the tail
    cursor = rulers.copy()  # where each walk is; -1 once it reached the next ruler
    groups = (count + GROUP - 1) // GROUP
    for g in numba.prange(groups):
        first = g * GROUP
        last = min(first + GROUP, count)
        walking = last - first
        while walking > 0:  # one step of every walk of the group per pass
            walking = 0
            for r in range(first, last):
                if cursor[r] >= 0:
                    following = next[cursor[r]]
                    if following >= 0 and not chosen[following]:
                        cursor[r] = following
                        length[r] += 1
                        walking += 1
                    else:
                        after[r] = np.searchsorted(rulers, following) if following >= 0 else -1
                        cursor[r] = -1
    top = np.empty(count, np.int64)  # rank of each ruler node
    order = np.empty(count, np.int64)
    r = np.searchsorted(rulers, head)
    for i in range(count):
        order[i] = r
        r = after[r]
    left = 0
    for i in range(count - 1, -1, -1):
        left += length[order[i]]
        top[order[i]] = left - 1
    for g in numba.prange(groups):
        first = g * GROUP
        last = min(first + GROUP, count)
        for r in range(first, last):
            cursor[r] = rulers[r]
            rank[cursor[r]] = top[r]
        for d in range(1, length[first:last].max()):
            for r in range(first, last):
                if d < length[r]:
                    cursor[r] = next[cursor[r]]
                    rank[cursor[r]] = top[r] - d
    return rank
