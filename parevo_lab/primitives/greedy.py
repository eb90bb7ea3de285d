"""The serial greedy's exact answers in deterministic parallel rounds (Blelloch, Fineman and Shun,
"Greedy sequential maximal independent set and matching are parallel on average", 2012): the
lexicographically first maximal independent set and the greedy maximal matching, the same
answer as the serial loop at every thread count, for tasks whose ``check`` compares exactly.

CSR conventions, and what a prange loop may write: see ``csr``.
"""

import numba
import numpy as np
from numba import prange

from ._util import full, zeros
from .graph import _first_above

GREEDY_WINDOW = 4096  # ids decided together (changes the rounds, never the answer)
GREEDY_ROUNDS = 4  # parallel rounds per window of the matching before its serial finish


@numba.njit(parallel=True, cache=True)
def greedy_independent_set(indptr, indices):
    """The lexicographically first maximal independent set: the serial greedy's answer (take the
    vertices in id order, each one no earlier member blocks), in deterministic parallel rounds.

    Work: O(sum over windows of R_w * (window + its edges)). Span: O(sum over windows of R_w *
    max degree), where the ids are decided 4096 at a time and R_w, the rounds of window w, is at
    most its longest chain of lower neighbours (Blelloch, Fineman and Shun 2012: short for
    random ids, long for graphs whose edges join nearby ids).

    Args:
        indptr, indices: symmetric (undirected) int64 CSR; self-loops are ignored.

    Returns:
        bool array of n: True for members, exactly the serial greedy's set. Each round, an
        undecided vertex of the window leaves as soon as a lower neighbour is a member and joins
        once every lower neighbour has left; the smallest undecided vertex always decides.
        n = 0 gives [].
    """
    n = indptr.shape[0] - 1
    status = zeros(n, np.int8)  # 0 undecided, 1 member, 2 out
    lo = np.int64(0)
    while lo < n:
        hi = min(n, lo + GREEDY_WINDOW)
        while True:
            new = status[lo:hi].copy()  # this round's decisions, from the last round's statuses
            undecided = 0
            for i in prange(hi - lo):
                v = lo + np.int64(i)
                if status[v] == 0:
                    joins = True
                    leaves = False
                    for j in range(indptr[v], indptr[v + 1]):
                        u = indices[j]
                        if u < v:
                            if status[u] == 1:
                                leaves = True
                                break
                            if status[u] == 0:
                                joins = False
                    if leaves:
                        new[i] = 2
                    elif joins:
                        new[i] = 1
                    else:
                        undecided += 1
            status[lo:hi] = new
            if undecided == 0:
                break
        lo = hi
    return status == 1


@numba.njit(parallel=True, cache=True)
def _rows_sorted(indptr, indices):
    n = indptr.shape[0] - 1
    unsorted = 0
    for v in prange(n):
        for j in range(indptr[v] + 1, indptr[v + 1]):
            if indices[j - 1] > indices[j]:
                unsorted += 1
    return unsorted == 0


@numba.njit(cache=True)
def _first_free(indptr, indices, match, cursor, v, lo, hi):
    """The first neighbour w of v with lo <= w < hi, w != v and w unmatched, searched from the
    row position ``cursor`` on; (w or -1, the position it stopped at)."""
    j = cursor
    end = indptr[v + 1]
    while j < end:
        w = indices[j]
        if w >= hi:
            break
        if w != v and match[w] < 0:
            return w, j
        j += 1
    return -1, j


@numba.njit(parallel=True, cache=True)
def greedy_matching(indptr, indices):
    """The serial greedy's maximal matching: take the vertices in id order, and match each
    unmatched one to its first unmatched neighbour (rows sorted), in deterministic parallel rounds.

    Work: O(n + m) for the sortedness check and the cursors, plus at most 4 rounds per window
    over its open vertices' rows. Span: O(sum over windows of (4 * max degree + the window's
    serial finish)), where the ids are decided 4096 at a time: a window still open after 4 rounds
    (a chain of edges each waiting for a smaller one, as on graphs whose edges join nearby ids)
    is finished by the serial greedy, which keeps the answer.

    Args:
        indptr, indices: symmetric (undirected) int64 CSR with each row sorted (as
            ``csr_from_edges`` builds it; ValueError otherwise); self-loops are ignored.

    Returns:
        int64 array of n: each vertex's partner, -1 when unmatched; exactly the serial greedy's
        matching. The greedy takes the edges in the order of (smaller end, larger end), so an edge
        joins as soon as it is, at both of its ends, the smallest edge still open: each round, every
        open vertex of the window names its smallest unmatched neighbour, and two vertices that
        name each other are matched. n = 0 gives [].
    """
    n = indptr.shape[0] - 1
    if not _rows_sorted(indptr, indices):
        raise ValueError("greedy_matching: each CSR row must be sorted (csr_from_edges sorts them)")
    match = full(n, -1, np.int64)
    cursor = indptr[:-1].copy()  # a window vertex's first neighbour that may still be free
    lo = np.int64(0)
    while lo < n:
        hi = min(n, lo + GREEDY_WINDOW)
        # (plain loops: an array expression here would be a parallel region per window)
        active = np.empty(hi - lo, np.int64)
        best = np.empty(hi - lo, np.int64)
        for i in range(hi - lo):
            active[i] = lo + i
            best[i] = -1
        rounds = 0
        while active.shape[0] > 0 and rounds < GREEDY_ROUNDS:
            rounds += 1
            k = active.shape[0]
            for i in prange(k):  # each open window vertex names its smallest free neighbour
                v = active[i]
                if match[v] >= 0:  # matched by a smaller window, as the larger end
                    best[v - lo] = -1
                else:
                    start = _first_above(indices, cursor[v], indptr[v + 1], lo - 1)
                    w, at = _first_free(indptr, indices, match, start, v, lo, n)
                    best[v - lo] = w
                    cursor[v] = at
            joins = np.empty(k, np.int64)
            for i in prange(k):  # the smaller end of a pair that names each other records it
                joins[i] = -1
                v = active[i]
                w = best[v - lo]
                if w > v:
                    if w < hi:
                        back = best[w - lo]
                    else:  # its smallest free neighbour in this window
                        start = _first_above(indices, indptr[w], indptr[w + 1], lo - 1)
                        back, _ = _first_free(indptr, indices, match, start, w, lo, hi)
                    if back == v:
                        joins[i] = w
            for i in prange(k):
                w = joins[i]
                if w >= 0:
                    v = active[i]
                    match[v] = w
                    match[w] = v
            still = 0
            for i in range(k):  # the open ones that still have a free neighbour go on
                v = active[i]
                if match[v] < 0 and best[v - lo] >= 0:
                    active[still] = v
                    still += 1
            active = active[:still]
        for v in active:  # a long chain: the rest of the window as the serial greedy does it
            if match[v] < 0:
                w, _ = _first_free(indptr, indices, match, cursor[v], v, lo, n)
                if w >= 0:
                    match[v] = w
                    match[w] = v
        lo = hi
    return match
