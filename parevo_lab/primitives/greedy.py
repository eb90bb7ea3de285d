"""The serial greedy's exact answers in deterministic parallel rounds (Blelloch, Fineman and Shun,
"Greedy sequential maximal independent set and matching are parallel on average", 2012): the
lexicographically first maximal independent set, the greedy maximal matching and the first-fit
greedy colouring, the same answer as the serial loop at every thread count, for tasks whose
``check`` compares exactly.

CSR conventions, and what a prange loop may write: see ``csr``.
"""

import numba
import numpy as np
from numba import prange

from ._util import full, zeros
from .graph import _first_above

GREEDY_WINDOW = 4096  # ids decided together (changes the rounds, never the answer)
GREEDY_ROUNDS = 4  # parallel rounds per window before its serial finish (the same answer)


@numba.njit(parallel=True, cache=True)
def greedy_independent_set(indptr, indices):
    """The lexicographically first maximal independent set: the serial greedy's answer (take the
    vertices in id order, each one no earlier member blocks), in deterministic parallel rounds.

    Work: O(n + m) plus at most 4 rounds per window over its rows. Span: O(sum over windows of
    (4 * max degree + the window's serial finish)), where the ids are decided 4096 at a time: a
    window still undecided after 4 rounds, or after a round that decided less than half of its
    open vertices (long chains of lower neighbours, as on graphs whose edges join nearby ids;
    Blelloch, Fineman and Shun 2012: short chains for random ids), is finished by the serial
    greedy, which keeps the answer.

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
        undecided = hi - lo
        before = undecided + undecided
        rounds = 0
        # rounds while they decide at least half of what is open (long chains: serial at once)
        while undecided > 0 and rounds < GREEDY_ROUNDS and 2 * undecided <= before:
            rounds += 1
            before = undecided
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
        if undecided > 0:  # a long chain: the rest of the window in id order, as the greedy does
            for v in range(lo, hi):
                if status[v] == 0:
                    status[v] = 1
                    for j in range(indptr[v], indptr[v + 1]):
                        u = indices[j]
                        if u < v and status[u] == 1:
                            status[v] = 2
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
    serial finish)), where the ids are decided 4096 at a time: a window still open after 4 rounds,
    or after a round that settled less than half of its open vertices (chains of edges each
    waiting for a smaller one, as on graphs whose edges join nearby ids), is finished by the
    serial greedy, which keeps the answer.

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
        before = 2 * active.shape[0]
        # rounds while they settle at least half of what is open (long chains: serial at once)
        while active.shape[0] > 0 and rounds < GREEDY_ROUNDS and 2 * active.shape[0] <= before:
            rounds += 1
            k = before = active.shape[0]
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


@numba.njit(cache=True)
def _smallest_free_colour(indptr, indices, colour, v):
    """The smallest colour that no lower neighbour u < v of v has (all of them coloured): a bit
    mask for colours below 64, a scan of the row beyond (a colour is at most the row's length)."""
    used = np.uint64(0)
    for j in range(indptr[v], indptr[v + 1]):
        u = indices[j]
        if u < v and colour[u] < 64:
            used |= np.uint64(1) << np.uint64(colour[u])
    if used != np.uint64(0xFFFFFFFFFFFFFFFF):
        c = 0
        while used & (np.uint64(1) << np.uint64(c)):
            c += 1
        return c
    d = indptr[v + 1] - indptr[v]
    seen = np.zeros(d + 1, np.bool_)
    for j in range(indptr[v], indptr[v + 1]):
        u = indices[j]
        if u < v and colour[u] <= d:
            seen[colour[u]] = True
    c = 64
    while c <= d and seen[c]:
        c += 1
    return c


@numba.njit(parallel=True, cache=True)
def greedy_colouring(indptr, indices):
    """The serial first-fit greedy's colouring: take the vertices in id order and give each the
    smallest colour (0, 1, 2, ...) that no lower neighbour has, in deterministic parallel rounds.

    Work: O(n + m) plus at most 4 rounds per window over its open vertices' rows. Span: O(sum
    over windows of (4 * max degree + the window's serial finish)), where the ids are decided
    4096 at a time: a vertex's colour depends only on its lower neighbours' colours, so each round
    colours every open vertex whose lower neighbours are all coloured (Jones and Plassmann's
    rounds, with the ids as priorities); a window still open after 4 rounds, or after a round
    that coloured less than half of its open vertices (chains of lower neighbours, as on graphs
    whose edges join nearby ids), is finished by the serial greedy, which keeps the answer.

    Args:
        indptr, indices: symmetric (undirected) int64 CSR; self-loops are ignored.

    Returns:
        int64 array of n: each vertex's colour, exactly the serial greedy's (no two neighbours
        share one; at most the largest degree + 1 colours). n = 0 gives [].
    """
    n = indptr.shape[0] - 1
    colour = full(n, -1, np.int64)
    lo = np.int64(0)
    while lo < n:
        hi = min(n, lo + GREEDY_WINDOW)
        active = np.empty(hi - lo, np.int64)  # (a plain loop: no parallel region per window)
        for i in range(hi - lo):
            active[i] = lo + i
        rounds = 0
        before = 2 * active.shape[0]
        # rounds while they colour at least half of what is open (long chains: serial at once)
        while active.shape[0] > 0 and rounds < GREEDY_ROUNDS and 2 * active.shape[0] <= before:
            rounds += 1
            k = before = active.shape[0]
            ready = np.empty(k, np.bool_)
            for i in prange(k):  # reads only: which open vertices have all lower ones coloured
                v = active[i]
                ready[i] = True
                for j in range(indptr[v], indptr[v + 1]):
                    u = indices[j]
                    if u < v and colour[u] < 0:
                        ready[i] = False
                        break
            for i in prange(k):  # each ready vertex reads lower neighbours coloured before
                if ready[i]:
                    v = active[i]
                    colour[v] = _smallest_free_colour(indptr, indices, colour, v)
            still = 0
            for i in range(k):
                if not ready[i]:
                    active[still] = active[i]
                    still += 1
            active = active[:still]
        for v in active:  # a long chain: the rest of the window in id order, as the greedy does
            colour[v] = _smallest_free_colour(indptr, indices, colour, v)
        lo = hi
    return colour
