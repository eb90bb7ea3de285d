"""List ranking: each node's distance to the tail of its linked list (sparse ruling set).

The method is the sparse ruling set of Reid-Miller ("List ranking and list scan on the Cray
C-90", SPAA 1994) as Helman and JáJá use it on cache-based machines ("Designing practical
efficient algorithms for symmetric multiprocessors", ALENEX 1999). Every head of a list (a node
no other node points to) and about one node in RULER_EVERY besides, picked by a hash of its id,
become rulers. The nodes each ruler reaches before the next ruler (or the end of its list) are
its sublist; the sublists are disjoint, so all rulers walk theirs in parallel and count them. A
serial pass follows each head's chain of rulers and turns the counts into the rulers' ranks, and
a second parallel walk writes every node's rank: its ruler's rank less its distance from it.

Following a list is a chain of dependent cache misses. One iteration of a walk loop therefore
advances GROUP walks by one step each, so their loads are independent and overlap in the memory
system; a walk that ends leaves the group's set of live walks, so no pass is spent on it. The
heads are found by one parallel scatter, has_pred[next[v]] = True (kept in the array of node
kinds), which has a single writer per flag on valid input. Invalid input is caught in O(n): an
out-of-range value directly; a node with two predecessors because then there are more heads
than tails (fewer distinct link targets than links); a cycle because then the chains from the
heads reach fewer than n nodes.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import prange

from ._util import empty, zeros
from .pack import pack_index

__all__ = ["list_rank"]

RULER_BITS = 6
RULER_EVERY = 1 << RULER_BITS  # one node in this many (by its id's hash) becomes a ruler
GROUP = 64  # walks one iteration advances in lockstep: their loads overlap in memory

# what _mark_pointed and _pick_rulers leave in `kind` for each node
_PLAIN = 0  # has a predecessor, not a ruler
_RULER = 1  # has a predecessor, chosen by the hash (_mark_pointed's "pointed to" too)
_HEAD = 2  # no predecessor: the head of a list, always a ruler


@numba.njit(parallel=True, cache=True)
def _mark_pointed(next, kind):
    """kind[t] = 1 for every link target t; the number of values outside [-1, n) and the
    number of tails (-1)."""
    n = next.shape[0]
    bad = 0
    tails = 0
    for v in prange(n):
        t = np.int64(next[v])
        if t == -1:
            tails += 1
        elif t >= 0 and t < n:
            kind[t] = 1
        else:
            bad += 1
    return bad, tails


@numba.njit(parallel=True, cache=True)
def _pick_rulers(kind):
    """Turn "pointed to" flags into node kinds (_HEAD, _RULER, _PLAIN); the number of heads.
    The hash keeps the top RULER_BITS bits of the id times 2^64 / golden ratio (Fibonacci
    hashing), so on consecutive ids the rulers are spread evenly."""
    n = kind.shape[0]
    heads = 0
    for v in prange(n):
        if kind[v] == 0:
            kind[v] = _HEAD
            heads += 1
        else:
            x = np.uint64(v) * np.uint64(0x9E3779B97F4A7C15)
            kind[v] = _RULER if (x >> np.uint64(64 - RULER_BITS)) == 0 else _PLAIN
    return heads


@numba.njit(parallel=True, cache=True)
def _walk_sublists(next, kind, rulers):
    """For each ruler (by index r into the sorted `rulers`): the number of nodes of its
    sublist, itself included, and the index of the ruler after it (-1 at the end of a list)."""
    count = rulers.shape[0]
    length = empty(count, np.int64)
    after = empty(count, np.int64)
    cursor = empty(count, np.int64)  # where each walk is now
    live = empty(count, np.int64)  # per group: the indices of its walks still going, first
    groups = (count + GROUP - 1) // GROUP
    for g in prange(groups):
        first = g * GROUP
        last = min(first + GROUP, count)
        for r in range(first, last):
            cursor[r] = rulers[r]
            length[r] = 1
            live[r] = r
        end = last  # live[first:end] are the walks still going
        while end > first:  # one step of each live walk per pass
            j = first
            while j < end:
                r = live[j]
                following = np.int64(next[cursor[r]])
                if following >= 0 and kind[following] == _PLAIN:
                    cursor[r] = following
                    length[r] += 1
                    j += 1
                else:  # reached the next ruler or the end of the list
                    after[r] = np.searchsorted(rulers, following) if following >= 0 else -1
                    end -= 1
                    live[j] = live[end]
    return length, after


@numba.njit(cache=True)
def _rank_rulers(kind, rulers, length, after):
    """Serially, from each head along its chain of rulers: the rank of each ruler node, and
    the number of nodes the chains cover (n exactly when there is no cycle)."""
    count = rulers.shape[0]
    top = empty(count, np.int64)
    chain = empty(count, np.int64)
    covered = np.int64(0)
    for h in range(count):
        if kind[rulers[h]] != _HEAD:
            continue
        k = 0
        r = np.int64(h)
        while r >= 0 and k < count:  # k < count: defensive, a chain from a head has no cycle
            chain[k] = r
            k += 1
            r = after[r]
        below = np.int64(0)  # nodes from the current ruler to the tail
        for i in range(k - 1, -1, -1):
            below += length[chain[i]]
            top[chain[i]] = below - 1
        covered += below
    return top, covered


@numba.njit(parallel=True, cache=True)
def _write_ranks(next, rulers, length, top, rank):
    """rank[v] = its ruler's rank - v's distance from that ruler, walking every sublist again
    (GROUP walks in lockstep, as in _walk_sublists)."""
    count = rulers.shape[0]
    cursor = empty(count, np.int64)
    step = empty(count, np.int64)  # how far each walk has gone
    live = empty(count, np.int64)
    groups = (count + GROUP - 1) // GROUP
    for g in prange(groups):
        first = g * GROUP
        last = min(first + GROUP, count)
        end = first
        for r in range(first, last):
            cursor[r] = rulers[r]
            step[r] = 0
            rank[rulers[r]] = top[r]
            if length[r] > 1:
                live[end] = r
                end += 1
        while end > first:
            j = first
            while j < end:
                r = live[j]
                v = np.int64(next[cursor[r]])
                cursor[r] = v
                step[r] += 1
                rank[v] = top[r] - step[r]
                if step[r] + 1 < length[r]:
                    j += 1
                else:
                    end -= 1
                    live[j] = live[end]


@numba.njit(cache=True)
def list_rank(next):
    """Rank of every node of a set of disjoint linked lists: the number of nodes after it in
    its list (sparse ruling set: sublists walked in parallel, rulers ranked serially).

    Work: O(n).
    Span: O(n/p + L + R), where L is the longest sublist between two rulers (O(64 log n) with
    high probability: about one node in 64 is a ruler, picked by a hash of its id) and R the
    number of rulers, about n/64 plus the number of lists (ranked in one serial pass).

    Args:
        next: 1-d int64 or int32 array of n: next[v] is the node after v, -1 ends a list. Every
            node has at most one predecessor and no list is a cycle (the lists are disjoint and
            cover all n nodes; a single list is the common case). A value outside [-1, n), a
            node with two predecessors or a cycle raises ValueError (found in O(n)).

    Returns:
        int64 array of n: rank[v] = number of nodes after v in its list (0 at each tail, the
        list's length - 1 at its head). n = 0 gives [].
    """
    n = next.shape[0]
    rank = empty(n, np.int64)
    if n == 0:
        return rank
    kind = zeros(n, np.uint8)
    bad, tails = _mark_pointed(next, kind)
    if bad > 0:
        raise ValueError("list_rank: next holds a value outside [-1, n)")
    heads = _pick_rulers(kind)
    if heads != tails:
        raise ValueError(
            "list_rank: next is not a set of disjoint lists: a node has two predecessors"
        )
    rulers = pack_index(kind)
    length, after = _walk_sublists(next, kind, rulers)
    top, covered = _rank_rulers(kind, rulers, length, after)
    if covered != n:
        raise ValueError("list_rank: next is not a set of disjoint lists: it has a cycle")
    _write_ranks(next, rulers, length, top, rank)
    return rank
