"""Graph algorithms on CSR: independent sets, matchings, triangles, PageRank (components and
forests: ``components``; the serial greedy's exact answers: ``greedy``).

CSR conventions, and what a prange loop may write: see ``csr``.
"""

import numba
import numpy as np
from numba import prange

from ._util import block_bounds, empty, full, mix64, zeros
from .csr import _out_degrees, transpose
from .pack import pack, pack_index
from .segments import flatten
from .sort import unique


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


UNDECIDED = 0
MEMBER = 1
OUT = 2


@numba.njit(cache=True)
def _outranks(seed, u, v):
    """Does u's (priority, id) beat v's, the priority a hash of (seed, vertex)?"""
    pu, pv = mix64(seed, u), mix64(seed, v)
    return pu > pv or (pu == pv and u > v)


@numba.njit(cache=True)
def _block_of(starts, v):
    """[lo, hi) of v's block, searched for in the blocks' first ids (a division is slower)."""
    b = np.searchsorted(starts, v, side="right") - 1
    return starts[b], starts[b + 1]


@numba.njit(parallel=True, cache=True)
def _greedy_sets(indptr, indices, seed, starts):
    """Step 1 of the MIS: the serial greedy on each block's own edges, one block per iteration,
    to statuses MEMBER and OUT. first[v] and last[v] locate the first and last neighbour in
    another block that outranks the member v: 1 + its offset in v's row (255 when past 253), 0
    when there is none."""
    n = indptr.shape[0] - 1
    status = zeros(n, np.int8)
    first = zeros(n, np.uint8)
    last = zeros(n, np.uint8)
    for b in prange(starts.shape[0] - 1):
        lo, hi = starts[b], starts[b + 1]
        for v in range(lo, hi):
            if status[v] == UNDECIDED:
                status[v] = MEMBER
                a = indptr[v]
                f = z = 0  # locals, and `u < lo or u >= hi` (not `lo <= u < hi`): a faster loop
                for j in range(a, indptr[v + 1]):
                    u = indices[j]
                    if u < lo or u >= hi:
                        if _outranks(seed, u, v):
                            z = j - a + 1
                            f = z if f == 0 else f
                    elif u != v:
                        status[u] = OUT
                first[v] = min(f, 255)
                last[v] = min(z, 255)
    return status, first, last


@numba.njit(parallel=True, cache=True)
def _outranked(indptr, indices, status, first, last, suspects, seed, starts):
    """Step 2 of the MIS: for each suspect, has it a member neighbour in another block that
    outranks it? Only the part of its row from ``first`` to ``last`` is read."""
    found = zeros(suspects.shape[0], np.bool_)
    for i in prange(suspects.shape[0]):
        v = suspects[i]
        lo, hi = _block_of(starts, v)
        end = indptr[v] + np.int64(last[v]) if last[v] < 255 else indptr[v + 1]
        for j in range(indptr[v] + np.int64(first[v]) - 1, end):
            u = indices[j]
            if (u < lo or u >= hi) and status[u] == MEMBER and _outranks(seed, u, v):
                found[i] = True
                break
    return found


@numba.njit(parallel=True, cache=True)
def _covered(indptr, indices, vertices, status):
    """For each listed vertex that is not a member: has it a member neighbour?"""
    found = zeros(vertices.shape[0], np.bool_)
    for i in prange(vertices.shape[0]):
        v = vertices[i]
        if status[v] != MEMBER:
            for j in range(indptr[v], indptr[v + 1]):
                if status[indices[j]] == MEMBER:
                    found[i] = True
                    break
    return found


@numba.njit(parallel=True, cache=True)
def _luby_winners(indptr, indices, active, status, seed):
    """For each listed vertex: does it outrank every undecided neighbour?"""
    wins = empty(active.shape[0], np.bool_)
    for i in prange(active.shape[0]):
        v = active[i]
        best = True
        for j in range(indptr[v], indptr[v + 1]):
            u = indices[j]
            if u != v and status[u] == UNDECIDED and _outranks(seed, u, v):
                best = False
                break
        wins[i] = best
    return wins


@numba.njit(parallel=True, cache=True)
def maximal_independent_set(indptr, indices, seed, blocks=2):
    """Maximal independent set: the serial greedy on contiguous blocks of ids in parallel,
    repaired where blocks meet, finished by Luby rounds with seeded random priorities.

    Work: O(n + m) for the greedy step and its repair, plus O(k + their edges) for each round
    over the k vertices still undecided.
    Span: O(the largest block's vertices and edges) for the greedy step, O((n + m)/p + p + max
    degree) for its repair, and O(max degree + p) per round, R = O(log n) rounds w.h.p.

    The suite's expert method, partition then fix up, with a seeded repair: 1. the ids are cut
    into ``blocks`` contiguous blocks (as ``block_bounds``), each running the serial greedy
    (take every vertex no earlier member blocks) on its own edges, writing only its own
    vertices: on graphs whose edges mostly join nearby ids, most of the work, at serial speed.
    2. A member with a member neighbour of higher (priority, id) in another block leaves (in
    the expert, the higher block's end). 3. The vertices left uncovered (only those members and
    the vertices they blocked can be) finish by Luby's rounds (as in Blelloch, Fineman and Shun
    2012): an undecided vertex joins when its (priority, id) beats every undecided neighbour's,
    then undecided neighbours of members drop out.

    Args:
        indptr, indices: symmetric (undirected) int64 CSR; self-loops are ignored.
        seed: integer; the priorities of steps 2 and 3 are a hash of (seed, vertex).
        blocks: id blocks of step 1, at least 1 (ValueError otherwise); 1 is the serial greedy
            on the whole graph (its lexicographically first set) and leaves nothing to steps 2
            and 3; more blocks split step 1 further and leave more to them.

    Returns:
        bool array of n: True for members, an independent set that no vertex can join. It
        depends only on (graph, seed, blocks), never on the thread count. Isolated vertices
        always join; n = 0 gives [].
    """
    if blocks < 1:
        raise ValueError("maximal_independent_set: blocks must be at least 1")
    n = indptr.shape[0] - 1
    starts = np.array([block_bounds(b, n, blocks)[0] for b in range(blocks + 1)])
    status, first, last = _greedy_sets(indptr, indices, seed, starts)
    suspects = pack_index(first)
    gone = pack(suspects, _outranked(indptr, indices, status, first, last, suspects, seed, starts))
    # the vertices a member that left blocked in step 1: its neighbours above it in its block
    offsets, around = flatten(indptr, indices, gone)
    above = empty(around.shape[0], np.bool_)
    for k in prange(gone.shape[0]):
        hi = _block_of(starts, gone[k])[1]
        for t in range(offsets[k], offsets[k + 1]):
            above[t] = gone[k] < around[t] < hi
    active = unique(np.concatenate((gone, pack(around, above))))
    for i in prange(active.shape[0]):
        status[active[i]] = UNDECIDED
    while True:  # drop the undecided with a member neighbour, then the best of the rest join
        out = _covered(indptr, indices, active, status)
        still = empty(active.shape[0], np.bool_)
        for i in prange(active.shape[0]):
            if out[i]:
                status[active[i]] = OUT
            still[i] = status[active[i]] == UNDECIDED
        active = pack(active, still)
        if active.shape[0] == 0:
            break
        wins = _luby_winners(indptr, indices, active, status, seed)
        for i in prange(active.shape[0]):
            if wins[i]:
                status[active[i]] = MEMBER
    return status == MEMBER


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


@numba.njit(parallel=True, cache=True)
def _greedy_matches(indptr, indices, blocks):
    """Step 1 of the matching: the serial greedy on each block's own edges, one block each.
    Returns (match, free, later): ``later[v]`` when v was left free at its turn with a neighbour
    in another block, the only vertices that can end step 1 free with a free neighbour (a vertex
    free at its turn found every neighbour in its block taken, and taken vertices stay taken).
    The scans read ``free``, an eighth of ``match``'s bytes."""
    n = indptr.shape[0] - 1
    match = full(n, -1, np.int64)
    free = full(n, True, np.bool_)
    later = zeros(n, np.bool_)
    for b in prange(blocks):
        lo, hi = block_bounds(b, n, blocks)
        for v in range(lo, hi):
            if free[v]:
                outside = False
                for j in range(indptr[v], indptr[v + 1]):
                    u = indices[j]
                    if u < lo or u >= hi:  # not lo <= u < hi: slower
                        outside = True
                    elif u != v and free[u]:
                        match[v] = u
                        match[u] = v
                        free[v] = False
                        free[u] = False
                        break
                later[v] = outside and free[v]
    return match, free, later


@numba.njit(parallel=True, cache=True)
def _propose(indptr, indices, active, free, proposal, seed):
    """Each listed vertex, when free, points at its free neighbour across its edge of highest
    (priority, pair), -1 when none is left (or it is taken); the priority is a hash of (seed,
    lower end * n + upper end)."""
    n = free.shape[0]
    for i in prange(active.shape[0]):
        v = active[i]
        best, best_p, best_pair = np.int64(-1), np.uint64(0), np.int64(-1)
        for j in range(indptr[v], indptr[v + 1] if free[v] else indptr[v]):
            u = indices[j]
            if u != v and free[u]:
                pair = min(u, v) * n + max(u, v)
                p = mix64(seed, pair)
                if best < 0 or p > best_p or (p == best_p and pair > best_pair):
                    best, best_p, best_pair = u, p, pair
        proposal[v] = best


@numba.njit(parallel=True, cache=True)
def maximal_matching(indptr, indices, seed, blocks=2):
    """Maximal matching: the serial greedy on contiguous blocks of ids in parallel, finished by
    locally dominant edges with seeded random priorities between the vertices left unmatched.

    Work: O(n + m) for the greedy step, plus O(k + their edges) for each round over the k
    vertices still listed (at first, those step 1 left unmatched at their turn with a
    neighbour in another block).
    Span: O(the largest block's vertices and edges) for the greedy step, O(n/p + p) to list
    the rest, and O(max degree + p) per round, R = O(log n) rounds with high probability.

    The suite's expert method, partition then fix up: 1. the ids are cut into ``blocks``
    contiguous blocks (as ``block_bounds``), each running the serial greedy (match every
    unmatched vertex to its first unmatched neighbour) on its own edges, writing only its own
    vertices; a vertex it leaves unmatched at its turn found its whole block's part of its row
    taken, so only those with a neighbour in another block are listed for step 2 (the row was
    just read: no second pass over the graph). 2. The listed vertices still unmatched finish by
    locally dominant edges (as in Blelloch, Fineman and Shun 2012): each round every one points at its
    unmatched neighbour across the edge of highest (priority, lower end, upper end), and two
    vertices pointing at each other match. The best remaining edge is always mutual, so every
    round matches at least one pair; a vertex with no unmatched neighbour left is done.

    Args:
        indptr, indices: symmetric (undirected) int64 CSR; self-loops are ignored. A round of
            step 2 that matches nothing can only come from an edge without its twin: ValueError.
        seed: integer; the edge priorities of step 2 are a hash of (seed, edge).
        blocks: id blocks of step 1, at least 1 (ValueError otherwise); 1 is the serial greedy
            on the whole graph and leaves nothing to step 2; more blocks split step 1 further
            and leave more edges to step 2.

    Returns:
        int64 array of n: each vertex's partner, -1 when unmatched; partners are mutual, every
        pair is an edge, and no edge joins two unmatched vertices. It depends only on (graph,
        seed, blocks), never on the thread count. n = 0 gives [].
    """
    if blocks < 1:
        raise ValueError("maximal_matching: blocks must be at least 1")
    n = indptr.shape[0] - 1
    match, free, later = _greedy_matches(indptr, indices, blocks)
    active = pack_index(later)  # some were matched after their turn: dropped by the first round
    proposal = full(n, -1, np.int64)
    while active.shape[0] > 0:
        _propose(indptr, indices, active, free, proposal, seed)
        still = empty(active.shape[0], np.bool_)
        matched = 0
        for i in prange(active.shape[0]):
            v = active[i]
            u = proposal[v]
            if u >= 0 and proposal[u] == v:
                match[v] = u
                free[v] = False
                matched += 1
            still[i] = u >= 0 and proposal[u] != v
        active = pack(active, still)
        if matched == 0 and active.shape[0] > 0:  # the best edge left is mutual when symmetric
            raise ValueError("maximal_matching: the CSR is not symmetric (an edge has no twin)")
    return match
