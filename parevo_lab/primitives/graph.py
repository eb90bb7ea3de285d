"""Graph algorithms on CSR: independent sets, matchings, triangles, PageRank (components and
forests: ``components``).

CSR conventions, and what a prange loop may write: see ``csr``.
"""

import numba
import numpy as np
from numba import prange

from ._util import copy, empty, full, mix64, zeros
from .csr import _out_degrees, transpose


@numba.njit(cache=True)
def _first_above(indices, lo, hi, x):
    """First position p in [lo, hi) of a sorted run with indices[p] > x (hi if none)."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if indices[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(parallel=True, cache=True)
def maximal_independent_set(indptr, indices, seed):
    """Maximal independent set, Luby-style with seeded random priorities.

    Work: O(R * (n + m)), R = O(log n) rounds with high probability. Span: O(R * max degree).

    Args:
        indptr, indices: symmetric (undirected) int64 CSR; self-loops are ignored.
        seed: integer; the priorities are a hash of (seed, vertex), so the result depends only
            on the seed, never on the thread count.

    Returns:
        bool array of n: True for members. Each round, an undecided vertex joins when its
        (priority, id) beats every undecided neighbour's; neighbours of joiners drop out.
        Isolated vertices always join; n = 0 gives [].
    """
    n = indptr.shape[0] - 1
    prio = empty(n, np.uint64)
    for v in prange(n):
        prio[v] = mix64(seed, v)
    status = zeros(n, np.int8)  # 0 undecided, 1 in, 2 out
    while True:
        joined = copy(status)
        for v in prange(n):
            vv = np.int64(v)
            if status[vv] == 0:
                pv = prio[vv]
                wins = True
                for j in range(indptr[vv], indptr[vv + 1]):
                    u = indices[j]
                    if u != vv and status[u] == 0:
                        pu = prio[u]
                        if pu > pv or (pu == pv and u > vv):
                            wins = False
                            break
                if wins:
                    joined[vv] = 1
        decided = copy(joined)
        undecided = 0
        for v in prange(n):
            vv = np.int64(v)
            if joined[vv] == 0:
                out = False
                for j in range(indptr[vv], indptr[vv + 1]):
                    if joined[indices[j]] == 1:
                        out = True
                        break
                if out:
                    decided[vv] = 2
                else:
                    undecided += 1
        status = decided
        if undecided == 0:
            break
    return status == 1


@numba.njit(parallel=True, cache=True)
def triangle_count(indptr, indices):
    """Number of triangles of an undirected simple graph (each counted once, as u < v < w).

    Work: O(sum over edges (u, v) of deg(u) + deg(v)). Span: O(max_u sum over v in N(u) of
    deg(u) + deg(v)), one vertex per iteration (vertices interleaved so that a static schedule
    spreads the u < v skew).

    Args:
        indptr, indices: symmetric int64 CSR without duplicates, rows sorted ascending
            (as ``csr_from_edges(..., symmetric=True)`` builds it).

    Returns:
        int64 total. n = 0 or no edges gives 0.
    """
    n = indptr.shape[0] - 1
    # low ids own more (u < v) edges: deal vertices out in 64 interleaved lanes so that a
    # static schedule gives every thread a slice of the whole id range
    lanes = np.int64(64)
    per_lane = (n + lanes - 1) // lanes
    total = np.int64(0)
    for i in prange(lanes * per_lane):
        ii = np.int64(i)
        uu = (ii % lanes) * per_lane + ii // lanes
        if uu < n:
            total += _triangles_closed_at(indptr, indices, uu)
    return total


@numba.njit(cache=True)
def _triangles_closed_at(indptr, indices, u):
    """Triangles u < v < w with lowest vertex u: merge-intersect the rows of u and v above v.

    A function of its own, not inline in the prange body: numba's reduction analysis of a
    prange body holding these merge loops fails on Python 3.12 ("unexpected cycle in lookup")."""
    a1 = indptr[u + 1]
    c = np.int64(0)
    for j in range(_first_above(indices, indptr[u], a1, u), a1):
        v = indices[j]
        b1 = indptr[v + 1]
        p = j + 1
        q = _first_above(indices, indptr[v], b1, v)
        while p < a1 and q < b1:
            x = indices[p]
            y = indices[q]
            if x < y:
                p += 1
            elif y < x:
                q += 1
            else:
                c += 1
                p += 1
                q += 1
    return c


@numba.njit(parallel=True, cache=True)
def pagerank(indptr, indices, damping=0.85, iterations=20):
    """PageRank by power iteration, pull formulation over the transpose.

    Work: O(iterations * (n + m)). Span: O(iterations * max in-degree + sqrt(n + m)).

    Args:
        indptr, indices: int64 CSR of out-edges (duplicates count with multiplicity).
        damping: probability of following an edge.
        iterations: number of power iterations (0 returns the uniform vector).

    Returns:
        float64 array of n summing to 1; the mass of dangling vertices (no out-edges) is spread
        uniformly. n = 0 gives [].
    """
    n = indptr.shape[0] - 1
    if n == 0:
        return np.zeros(0)
    outdeg = _out_degrees(indptr)
    in_ptr, in_idx = transpose(indptr, indices, n)
    ranks = full(n, 1.0 / n, np.float64)
    for _ in range(iterations):
        contrib = empty(n, np.float64)
        dangling = 0.0
        for u in prange(n):
            if outdeg[u] > 0:
                contrib[u] = ranks[u] / outdeg[u]
            else:
                contrib[u] = 0.0
                dangling += ranks[u]
        base = (1.0 - damping) / n + damping * dangling / n
        new = empty(n, np.float64)
        for v in prange(n):
            vv = np.int64(v)
            s = 0.0
            for j in range(in_ptr[vv], in_ptr[vv + 1]):
                s += contrib[in_idx[j]]
            new[vv] = base + damping * s
        ranks = new
    return ranks


@numba.njit(cache=True)
def _edge_priority(seed, u, v, n):
    """A pseudo-random priority of the undirected edge {u, v}, the same from both ends."""
    lo = min(u, v)
    hi = max(u, v)
    return mix64(seed, lo * np.int64(n) + hi)


@numba.njit(parallel=True, cache=True)
def maximal_matching(indptr, indices, seed):
    """Maximal matching by locally dominant edges with seeded random priorities.

    Work: O(R * (n + m)), R = O(log n) rounds with high probability. Span: O(R * max degree).

    Args:
        indptr, indices: symmetric (undirected) int64 CSR; self-loops are ignored.
        seed: integer; edge priorities are a hash of (seed, edge), so the result depends only on
            the seed, never on the thread count.

    Returns:
        int64 array of n: each vertex's partner, -1 when unmatched. Each round every unmatched
        vertex points at its unmatched neighbour across the edge of highest (priority, lower
        end, upper end); two vertices pointing at each other are matched. The best remaining
        edge is always mutual, so every round matches at least one pair; the rounds stop when
        no edge joins two unmatched vertices. n = 0 gives [].
    """
    n = indptr.shape[0] - 1
    match = full(n, -1, np.int64)
    while True:
        choice = full(n, -1, np.int64)
        pointing = 0
        for v in prange(n):
            vv = np.int64(v)
            if match[vv] < 0:
                best = np.int64(-1)
                best_p = np.uint64(0)
                best_lo = np.int64(-1)
                best_hi = np.int64(-1)
                for j in range(indptr[vv], indptr[vv + 1]):
                    u = indices[j]
                    if u != vv and match[u] < 0:
                        p = _edge_priority(seed, vv, u, n)
                        lo = min(u, vv)
                        hi = max(u, vv)
                        if (
                            best < 0
                            or p > best_p
                            or (p == best_p and (lo > best_lo or (lo == best_lo and hi > best_hi)))
                        ):
                            best = u
                            best_p = p
                            best_lo = lo
                            best_hi = hi
                choice[vv] = best
                if best >= 0:
                    pointing += 1
        if pointing == 0:
            break
        for v in prange(n):
            vv = np.int64(v)
            u = choice[vv]
            if u >= 0 and choice[u] == vv:
                match[vv] = u
    return match


GREEDY_WINDOW = 4096  # ids decided together (changes the rounds, never the answer)


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
