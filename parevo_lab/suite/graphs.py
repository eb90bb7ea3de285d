"""Seeded graph generators for the irregular suite, in the spirit of PBBS's graph inputs.

Every graph comes back as CSR: ``indptr`` (int64, length n + 1) and ``indices`` (int64), built by
``parevo_lab.primitives.csr_from_edges``, so rows are sorted ascending and hold no self-loops and
no duplicate edges. Graphs are symmetric (undirected) unless ``symmetric=False`` is asked for.
The same ``rng`` state gives the same graph; vectorised numpy throughout (an R-MAT graph with
10^6 vertices and 8 * 10^6 edges takes about a second).
"""

from __future__ import annotations

import numpy as np

from parevo_lab.primitives import csr_from_edges

_EMPTY = np.zeros(0, np.int64)


def _csr(n, src, dst, symmetric):
    return csr_from_edges(np.int64(n), src.astype(np.int64), dst.astype(np.int64), bool(symmetric))


def rmat(n, m, rng, a=0.5, b=0.1, c=0.1, symmetric=True, permute=True):
    """R-MAT power-law graph (Chakrabarti et al.; Graph500 / PBBS rMatGraph style).

    Each of the ``m`` drawn edges picks one quadrant of the adjacency matrix per level of a
    2^s x 2^s matrix (s = ceil(log2 n)) with probabilities a, b, c and d = 1 - a - b - c
    (a: top-left, b: top-right, c: bottom-left; each rounded to a multiple of 2^-16). Ids in [0, 2^s) are scaled down to [0, n)
    (v * n >> s, which keeps the recursive structure when n is not a power of two), then,
    with ``permute``, relabelled by a random permutation (as Graph500 does) so that the hubs
    are not all low ids. Self-loops and duplicates are dropped, so the graph has at most m
    distinct edges (2 m directed entries when symmetric); many vertices end up isolated.
    """
    n, m = int(n), int(m)
    if n <= 1 or m <= 0:
        return _csr(max(n, 0), _EMPTY, _EMPTY, symmetric)
    scale = max(1, (n - 1).bit_length())
    one = 1 << 16
    t_a, t_ab, t_abc = (int(round(x * one)) for x in (a, a + b, a + b + c))
    bits = np.uint32 if scale <= 32 else np.uint64
    src = np.zeros(m, bits)
    dst = np.zeros(m, bits)
    for _ in range(scale):
        u = rng.integers(0, one, size=m, dtype=np.uint16)
        row = u >= t_ab
        col = (u >= t_a) != row
        col |= u >= t_abc
        src <<= 1
        src |= row
        dst <<= 1
        dst |= col
    src = (src.astype(np.int64) * n) >> scale
    dst = (dst.astype(np.int64) * n) >> scale
    if permute:
        perm = rng.permutation(n).astype(np.int64)
        src, dst = perm[src], perm[dst]
    return _csr(n, src, dst, symmetric)


def random_local(n, degree, rng, symmetric=True):
    """Random graph with local edges (PBBS randLocalGraph style): each vertex draws ``degree``
    neighbours at offsets +-d (mod n), with d log-uniform in [1, n // 2], so most neighbours
    have ids near the vertex's own (good locality, small diameter). Self-loops and duplicates
    are dropped, so degrees are about 2 * degree when symmetric."""
    n, degree = int(n), int(degree)
    if n <= 1 or degree <= 0:
        return _csr(max(n, 0), _EMPTY, _EMPTY, symmetric)
    k = n * degree
    half = max(n // 2, 1)
    dist = np.floor(np.exp(rng.random(k) * np.log(half + 1))).astype(np.int64)
    dist = np.clip(dist, 1, half)
    sign = rng.integers(0, 2, size=k, dtype=np.int64) * 2 - 1
    src = np.repeat(np.arange(n, dtype=np.int64), degree)
    dst = (src + sign * dist) % n
    return _csr(n, src, dst, symmetric)


def grid3d(side, torus=True):
    """3-D grid of side^3 vertices, vertex (x, y, z) numbered x + side * (y + side * z), joined
    to its 6 neighbours (+-1 in each dimension), wrapping around as a torus when ``torus`` (for
    side <= 2 the wrapped edges repeat or loop and are dropped). Deterministic; symmetric."""
    side = max(int(side), 0)
    n = side**3
    ids = np.arange(n, dtype=np.int64)
    coords = (ids % side, (ids // side) % side, ids // (side * side)) if n else (ids,) * 3
    srcs, dsts = [], []
    for axis, stride in enumerate((1, side, side * side)):
        pos = coords[axis]
        if torus:
            src = ids
            dst = ids + np.where(pos == side - 1, -(side - 1) * stride, stride)
        else:
            src = ids[pos < side - 1]
            dst = src + stride
        srcs.append(src)
        dsts.append(dst)
    return _csr(n, np.concatenate(srcs), np.concatenate(dsts), True)


def edge_weights(indptr, indices, rng, max_weight=255):
    """Integer weights in [1, max_weight] for every CSR entry, aligned with ``indices``.

    The weight of {u, v} is a seeded hash of the unordered pair, so both directions of an
    undirected edge get the same weight (as SSSP on an undirected graph needs). Returns int64.
    """
    n = indptr.shape[0] - 1
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    lo = np.minimum(src, indices).astype(np.uint64)
    hi = np.maximum(src, indices).astype(np.uint64)
    salt = np.uint64(rng.integers(0, 2**63, dtype=np.int64))
    x = lo * np.uint64(max(n, 1)) + hi + salt
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return (x % np.uint64(max_weight)).astype(np.int64) + 1


def random_list(n, rng):
    """A random singly linked list over the vertices 0..n-1 as a successor array: ``next[v]`` is
    the node after v and the tail has -1. The order is a uniform random permutation (the head is
    its first element: the one node no other node points to)."""
    n = max(int(n), 0)
    order = rng.permutation(n).astype(np.int64)
    nxt = np.full(n, -1, np.int64)
    nxt[order[:-1]] = order[1:]
    return nxt
