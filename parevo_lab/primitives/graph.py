"""Graph primitives on CSR adjacency (Ligra-style), compiled with numba.

Conventions: ``indptr`` is int64 of length n+1, ``indices`` int64 of length m = indptr[n];
row v lists the out-neighbours of v. Every prange loop writes only its own vertex, its own
slot of an exclusive scan of degrees, or its own block: no races, no atomics. Blocked helpers
choose their block count from the input size, never from the thread count, so results are the
same on any number of threads and the functions can be cached.
"""

import numba
import numpy as np
from numba import prange

PUSH = 0
PULL = 1

_MIX_A = np.uint64(0xBF58476D1CE4E5B9)
_MIX_B = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


# ---------------------------------------------------------------------------------------------
# private helpers


@numba.njit(cache=True)
def _num_blocks(m):
    """About sqrt(m) blocks (1 for small inputs): span O(m / blocks + blocks)."""
    if m < 4096:
        return 1
    return np.int64(np.sqrt(m))


@numba.njit(parallel=True, cache=True)
def _exclusive_scan(counts):
    """Blocked exclusive scan: out[0] = 0, out[i + 1] = counts[0] + ... + counts[i]."""
    m = counts.shape[0]
    out = np.empty(m + 1, np.int64)
    out[0] = 0
    nb = _num_blocks(m)
    bs = (m + nb - 1) // nb
    sums = np.zeros(nb, np.int64)
    for b in prange(nb):
        lo = np.int64(b) * bs
        hi = min(m, lo + bs)
        s = 0
        for i in range(lo, hi):
            s += counts[i]
        sums[b] = s
    run = 0
    for b in range(nb):
        t = sums[b]
        sums[b] = run
        run += t
    for b in prange(nb):
        lo = np.int64(b) * bs
        hi = min(m, lo + bs)
        s = sums[b]
        for i in range(lo, hi):
            s += counts[i]
            out[i + 1] = s
    return out


@numba.njit(parallel=True, cache=True)
def _stable_bucket(keys, nbuckets):
    """Stable counting sort positions: returns (ptr, pos) with bucket k at ptr[k]:ptr[k + 1]
    and element i going to pos[i]. Block-private histograms (one row per block)."""
    m = keys.shape[0]
    nb = max(np.int64(1), min(np.int64(8), m // max(nbuckets, np.int64(1024))))
    bs = (m + nb - 1) // nb
    counts = np.zeros((nb, nbuckets), np.int64)
    for b in prange(nb):
        bb = np.int64(b)
        lo = bb * bs
        hi = min(m, lo + bs)
        for i in range(lo, hi):
            counts[bb, keys[i]] += 1
    totals = np.empty(nbuckets, np.int64)
    for k in prange(nbuckets):
        kk = np.int64(k)
        s = 0
        for b in range(nb):
            c = counts[b, kk]
            counts[b, kk] = s
            s += c
        totals[kk] = s
    ptr = _exclusive_scan(totals)
    for k in prange(nbuckets):
        kk = np.int64(k)
        base = ptr[kk]
        for b in range(nb):
            counts[b, kk] += base
    pos = np.empty(m, np.int64)
    for b in prange(nb):
        bb = np.int64(b)
        lo = bb * bs
        hi = min(m, lo + bs)
        for i in range(lo, hi):
            k = keys[i]
            pos[i] = counts[bb, k]
            counts[bb, k] += 1
    return ptr, pos


@numba.njit(cache=True)
def _mix64(x):
    """splitmix64 finaliser on uint64."""
    x = (x ^ (x >> np.uint64(30))) * _MIX_A
    x = (x ^ (x >> np.uint64(27))) * _MIX_B
    return x ^ (x >> np.uint64(31))


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
def _out_degrees(indptr):
    n = indptr.shape[0] - 1
    deg = np.empty(n, np.int64)
    for v in prange(n):
        vv = np.int64(v)
        deg[vv] = indptr[vv + 1] - indptr[vv]
    return deg


# ---------------------------------------------------------------------------------------------
# construction


@numba.njit(parallel=True, cache=True)
def csr_from_edges(n, src, dst, symmetric):
    """Build a CSR graph from an edge list, dropping self-loops and duplicate edges.

    Work: O(m + n). Span: O(sqrt(m + n) + m / 8) (two stable counting sorts with up to 8
    block-private histograms, blocked scans).

    Args:
        n: number of vertices; every endpoint must lie in [0, n) (ValueError otherwise).
        src, dst: integer arrays of equal length m, edge i goes src[i] -> dst[i].
        symmetric: when true, also add dst[i] -> src[i] (an undirected graph).

    Returns:
        (indptr, indices): int64 arrays of lengths n + 1 and the number of distinct edges kept,
        neighbours sorted ascending within each row. n = 0 gives ([0], []).
    """
    n = np.int64(n)
    m = src.shape[0]
    if dst.shape[0] != m:
        raise ValueError("src and dst must have the same length")
    bad = 0
    for i in prange(m):
        a = np.int64(src[i])
        b = np.int64(dst[i])
        if a < 0 or a >= n or b < 0 or b >= n:
            bad += 1
    if bad > 0:
        raise ValueError("edge endpoint out of range [0, n)")
    keep = np.empty(m, np.int64)
    for i in prange(m):
        keep[i] = 1 if src[i] != dst[i] else 0
    at = _exclusive_scan(keep)
    k = at[m]
    total = 2 * k if symmetric else k
    s = np.empty(total, np.int64)
    d = np.empty(total, np.int64)
    for i in prange(m):
        if keep[i]:
            p = at[i]
            s[p] = src[i]
            d[p] = dst[i]
            if symmetric:
                s[k + p] = dst[i]
                d[k + p] = src[i]
    # LSD: stable by target, then stable by source -> sorted by (source, target)
    _, pos = _stable_bucket(d, max(n, np.int64(1)))
    s1 = np.empty(total, np.int64)
    d1 = np.empty(total, np.int64)
    for i in prange(total):
        s1[pos[i]] = s[i]
        d1[pos[i]] = d[i]
    ptr, pos = _stable_bucket(s1, max(n, np.int64(1)))
    for i in prange(total):
        s[pos[i]] = s1[i]
        d[pos[i]] = d1[i]
    first = np.empty(total, np.int64)
    for j in prange(total):
        jj = np.int64(j)
        first[jj] = 1 if jj == 0 or s[jj] != s[jj - 1] or d[jj] != d[jj - 1] else 0
    out_at = _exclusive_scan(first)
    indices = np.empty(out_at[total], np.int64)
    for j in prange(total):
        if first[j]:
            indices[out_at[j]] = d[j]
    indptr = np.empty(n + 1, np.int64)
    for v in prange(n + 1):
        indptr[v] = out_at[ptr[v]]
    return indptr, indices


@numba.njit(parallel=True, cache=True)
def transpose(indptr, indices, n):
    """Reverse every edge: row v of the result lists the in-neighbours of v.

    Work: O(m + n). Span: O(sqrt(m + n) + m / 8) (a stable counting sort by target).

    Args:
        indptr, indices: CSR with n rows; targets must lie in [0, n).
        n: number of vertices (columns of the input, rows of the output).

    Returns:
        (indptr_t, indices_t): int64 CSR of the reversed graph; rows are sorted ascending
        (the sort is stable and input rows come in source order); duplicates are kept.
    """
    n = np.int64(n)
    rows = indptr.shape[0] - 1
    m = indptr[rows]
    src = np.empty(m, np.int64)
    for v in prange(rows):
        vv = np.int64(v)
        for j in range(indptr[vv], indptr[vv + 1]):
            src[j] = vv
    ptr, pos = _stable_bucket(indices[:m], max(n, np.int64(1)))
    indices_t = np.empty(m, np.int64)
    for j in prange(m):
        indices_t[pos[j]] = src[j]
    indptr_t = np.empty(n + 1, np.int64)
    for v in prange(n + 1):
        indptr_t[v] = ptr[v]
    return indptr_t, indices_t


# ---------------------------------------------------------------------------------------------
# traversal


@numba.njit(parallel=True, cache=True)
def _edge_map_push(indptr, indices, frontier_flags, visited):
    n = indptr.shape[0] - 1
    flags = np.empty(n, np.int64)
    for v in prange(n):
        flags[v] = 1 if frontier_flags[v] else 0
    fpos = _exclusive_scan(flags)
    nf = fpos[n]
    fverts = np.empty(nf, np.int64)
    for v in prange(n):
        if frontier_flags[v]:
            fverts[fpos[v]] = v
    deg = np.empty(nf, np.int64)
    for i in prange(nf):
        u = fverts[i]
        deg[i] = indptr[u + 1] - indptr[u]
    off = _exclusive_scan(deg)
    k = off[nf]
    # candidates go into private segments; the key says which vertex range owns them
    nranges = max(np.int64(1), min(n, k // 64 + 1))
    width = (n + nranges - 1) // nranges
    targets = np.empty(k, np.int64)
    keys = np.empty(k, np.int64)
    for i in prange(nf):
        u = fverts[i]
        p = off[i]
        for j in range(indptr[u], indptr[u + 1]):
            w = indices[j]
            targets[p] = w
            keys[p] = nranges if visited[w] else w // width
            p += 1
    ptr, pos = _stable_bucket(keys, nranges + 1)
    grouped = np.empty(k, np.int64)
    for j in prange(k):
        grouped[pos[j]] = targets[j]
    nxt = np.zeros(n, np.bool_)
    for r in prange(nranges):
        rr = np.int64(r)
        for j in range(ptr[rr], ptr[rr + 1]):
            nxt[grouped[j]] = True
    return nxt


@numba.njit(parallel=True, cache=True)
def _edge_map_pull(indptr, indices, frontier_flags, visited):
    n = indptr.shape[0] - 1
    nxt = np.zeros(n, np.bool_)
    for v in prange(n):
        vv = np.int64(v)
        if not visited[vv]:
            for j in range(indptr[vv], indptr[vv + 1]):
                if frontier_flags[indices[j]]:
                    nxt[vv] = True
                    break
    return nxt


@numba.njit(cache=True)
def edge_map(indptr, indices, frontier_flags, visited, direction):
    """One Ligra edge-map step: flag the unvisited vertices that have a neighbour in the frontier.

    Work: push O(n + k) for k frontier out-edges; pull O(n + in-edges of unvisited vertices).
    Span: push O(sqrt(n + k) + k / 8 + max in-degree); pull O(max in-degree).

    Args:
        indptr, indices: CSR. For direction 0 (push) the out-edges; for direction 1 (pull)
            the in-edges (use ``transpose`` on a directed graph; a symmetric CSR serves both).
        frontier_flags: bool array of n, the current frontier.
        visited: bool array of n; visited vertices are never flagged.
        direction: 0 = push (``PUSH``): frontier vertices gather their targets into
            private segments sized by an exclusive scan of degrees; a second pass groups them
            by vertex range and each range marks its own vertices. 1 = pull (``PULL``): each
            unvisited vertex checks its in-neighbours and writes only its own flag.

    Returns:
        bool array of n: the next frontier. Empty frontier or n = 0 gives all False.
    """
    if direction == PUSH:
        return _edge_map_push(indptr, indices, frontier_flags, visited)
    if direction != PULL:
        raise ValueError("direction must be 0 (push) or 1 (pull)")
    return _edge_map_pull(indptr, indices, frontier_flags, visited)


@numba.njit(parallel=True, cache=True)
def bfs_levels(indptr, indices, source, symmetric=False):
    """Breadth-first levels from ``source``, direction-optimising (Beamer) on top of edge_map.

    Work: O(D * n + m + P * m) for D levels of which P run pull (frontier flags are dense).
    Span: O(D * (sqrt(n + m) + m / 8 + max degree)).

    Args:
        indptr, indices: int64 CSR of out-edges (directed or symmetric).
        source: start vertex in [0, n) (ValueError otherwise).
        symmetric: promise that the CSR is symmetric, so pull steps read it as its own in-edge
            CSR instead of building the transpose (a wrong promise gives wrong levels).

    Returns:
        int64 array of n: hop distance from source, -1 for unreachable vertices. Steps whose
        frontier has more than m / 14 out-edges run pull over the transpose, which is built
        once, the first time it is needed (unless ``symmetric``).
    """
    n = indptr.shape[0] - 1
    source = np.int64(source)
    if source < 0 or source >= n:
        raise ValueError("source out of range")
    m = indptr[n]
    levels = np.full(n, -1, np.int64)
    visited = np.zeros(n, np.bool_)
    frontier = np.zeros(n, np.bool_)
    levels[source] = 0
    visited[source] = True
    frontier[source] = True
    in_ptr = np.empty(0, np.int64)
    in_idx = np.empty(0, np.int64)
    have_in = False
    frontier_edges = indptr[source + 1] - indptr[source]
    depth = 0
    while True:
        depth += 1
        if frontier_edges * 14 > m:
            if symmetric:
                nxt = _edge_map_pull(indptr, indices, frontier, visited)
            else:
                if not have_in:
                    in_ptr, in_idx = transpose(indptr, indices, n)
                    have_in = True
                nxt = _edge_map_pull(in_ptr, in_idx, frontier, visited)
        else:
            nxt = _edge_map_push(indptr, indices, frontier, visited)
        count = 0
        edges = 0
        for v in prange(n):
            vv = np.int64(v)
            if nxt[vv]:
                levels[vv] = depth
                visited[vv] = True
                count += 1
                edges += indptr[vv + 1] - indptr[vv]
        if count == 0:
            break
        frontier = nxt
        frontier_edges = edges
    return levels


# ---------------------------------------------------------------------------------------------
# undirected-graph algorithms


@numba.njit(parallel=True, cache=True)
def connected_components(indptr, indices):
    """Connected components by min-label propagation with pointer jumping.

    Work: O(R * (n + m) + J * n) for R propagation rounds (at most the diameter + 1) and J jumps.
    Span: O(R * max degree + J).

    Args:
        indptr, indices: symmetric (undirected) int64 CSR; on a directed graph the labels are
            not components.

    Returns:
        int64 array of n: the smallest vertex id in each vertex's component. n = 0 gives [].
    """
    n = indptr.shape[0] - 1
    labels = np.arange(n)
    while True:
        new = np.empty(n, np.int64)
        for v in prange(n):
            vv = np.int64(v)
            best = labels[vv]
            for j in range(indptr[vv], indptr[vv + 1]):
                lab = labels[indices[j]]
                if lab < best:
                    best = lab
            new[vv] = best
        while True:
            jumped = np.empty(n, np.int64)
            moved = 0
            for v in prange(n):
                vv = np.int64(v)
                target = new[new[vv]]
                jumped[vv] = target
                if target != new[vv]:
                    moved += 1
            new = jumped
            if moved == 0:
                break
        changed = 0
        for v in prange(n):
            if new[v] != labels[v]:
                changed += 1
        labels = new
        if changed == 0:
            break
    return labels


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
    salt = _mix64(np.uint64(seed) ^ _GOLDEN)
    prio = np.empty(n, np.uint64)
    for v in prange(n):
        prio[v] = _mix64(np.uint64(v) + salt)
    status = np.zeros(n, np.int8)  # 0 undecided, 1 in, 2 out
    while True:
        joined = status.copy()
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
        decided = joined.copy()
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
        if uu >= n:
            continue
        a1 = indptr[uu + 1]
        c = np.int64(0)
        for j in range(_first_above(indices, indptr[uu], a1, uu), a1):
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
        total += c
    return total


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
    ranks = np.full(n, 1.0 / n)
    for _ in range(iterations):
        contrib = np.empty(n)
        dangling = 0.0
        for u in prange(n):
            if outdeg[u] > 0:
                contrib[u] = ranks[u] / outdeg[u]
            else:
                contrib[u] = 0.0
                dangling += ranks[u]
        base = (1.0 - damping) / n + damping * dangling / n
        new = np.empty(n)
        for v in prange(n):
            vv = np.int64(v)
            s = 0.0
            for j in range(in_ptr[vv], in_ptr[vv + 1]):
                s += contrib[in_idx[j]]
            new[vv] = base + damping * s
        ranks = new
    return ranks
