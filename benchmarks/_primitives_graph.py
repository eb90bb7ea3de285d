"""Timings of the graph primitives on a power-law graph: numpy, serial numba, parallel numba.

``rows(n, threads)`` returns one dict per primitive with the median of 3 timed runs after a
warm-up (which also compiles). Columns:

- ``numpy``: the best numpy-only equivalent written here (None where there is none).
- ``serial``: ``numba.njit(f.py_func)``, i.e. the same code compiled without ``parallel``, run
  with ``numba.set_num_threads(1)``. The private helpers it calls (scans, counting sorts, the
  edge-map kernels, ``transpose``) are the parallel builds, so that column is "one thread",
  not "no parallel runtime at all"; the difference is the fork/join cost of those helpers.
- ``parallel``: the public function at ``threads`` threads.

The graph: out-degrees drawn from a Zipf law (a = 2, capped at 300), uniform random targets,
symmetrised by ``csr_from_edges``: about 8 edges per vertex on average.
"""

import statistics
import time

import numba
import numpy as np

from parevo_lab import primitives as pp
from parevo_lab.suite.graphs import random_list

REPEATS = 3


def power_law_edges(n, seed=0):
    rng = np.random.default_rng(seed)
    deg = np.minimum(rng.zipf(2.0, n), min(300, max(n - 1, 1))).astype(np.int64)
    src = np.repeat(np.arange(n, dtype=np.int64), deg)
    dst = rng.integers(0, n, src.shape[0])
    return src, dst


def _time(fn, args, threads):
    saved = numba.get_num_threads()
    numba.set_num_threads(threads)
    try:
        fn(*args)
        samples = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            fn(*args)
            samples.append(time.perf_counter() - t0)
    finally:
        numba.set_num_threads(saved)
    return statistics.median(samples)


# ---------------------------------------------------------------------------------------------
# numpy equivalents


def _segment_reduce(ufunc, values, indptr, empty):
    n = indptr.shape[0] - 1
    out = np.full(n, empty, values.dtype)
    nonempty = indptr[1:] > indptr[:-1]
    if values.size:
        out[nonempty] = ufunc.reduceat(values, indptr[:-1][nonempty])
    return out


def np_csr_from_edges(n, src, dst, symmetric):
    keep = src != dst
    s, d = src[keep], dst[keep]
    if symmetric:
        s, d = np.concatenate([s, d]), np.concatenate([d, s])
    keys = np.sort(s * n + d)  # sort + mask: np.unique measured 10x slower (numpy 2.4)
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if keys.size else keys
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(keys // n, minlength=n), out=indptr[1:])
    return indptr, keys % n


def np_transpose(indptr, indices, n):
    src = np.repeat(np.arange(indptr.shape[0] - 1), np.diff(indptr))
    order = np.argsort(indices, kind="stable")
    indptr_t = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(indices, minlength=n), out=indptr_t[1:])
    return indptr_t, src[order]


def np_edge_map(indptr, indices, frontier, visited):
    edge_on = np.repeat(frontier, np.diff(indptr))
    nxt = np.zeros(frontier.shape[0], bool)
    nxt[indices[edge_on]] = True
    return nxt & ~visited


def np_bfs_levels(indptr, indices, source):
    n = indptr.shape[0] - 1
    levels = np.full(n, -1, np.int64)
    levels[source] = 0
    frontier = np.zeros(n, bool)
    frontier[source] = True
    visited = frontier.copy()
    depth = 0
    while frontier.any():
        depth += 1
        frontier = np_edge_map(indptr, indices, frontier, visited)
        levels[frontier] = depth
        visited |= frontier
    return levels


def np_connected_components(indptr, indices):
    n = indptr.shape[0] - 1
    labels = np.arange(n)
    while True:
        new = np.minimum(labels, _segment_reduce(np.minimum, labels[indices], indptr, n))
        while True:
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def np_maximal_independent_set(indptr, indices, seed):
    n = indptr.shape[0] - 1
    rank = np.random.default_rng(seed).permutation(n)
    status = np.zeros(n, np.int8)
    while (status == 0).any():
        key = np.where(status == 0, rank, -1)
        best = _segment_reduce(np.maximum, key[indices], indptr, -1)
        joined = (status == 0) & (rank > best)
        status[joined] = 1
        hit = _segment_reduce(np.maximum, joined[indices].astype(np.int8), indptr, 0)
        status[(status == 0) & (hit > 0)] = 2
    return status == 1


def np_pagerank(indptr, indices, damping=0.85, iterations=20):
    n = indptr.shape[0] - 1
    outdeg = np.diff(indptr)
    src = np.repeat(np.arange(n), outdeg)
    ranks = np.full(n, 1.0 / n)
    safe = np.maximum(outdeg, 1)
    for _ in range(iterations):
        dangling = ranks[outdeg == 0].sum()
        contrib = np.where(outdeg > 0, ranks / safe, 0.0)
        flow = np.bincount(indices, weights=contrib[src], minlength=n)
        ranks = (1.0 - damping) / n + damping * dangling / n + damping * flow
    return ranks


# ---------------------------------------------------------------------------------------------


def rows(n=10**6, threads=2):
    """One dict per primitive: {"primitive", "numpy", "serial", "parallel"} in seconds."""
    src, dst = power_law_edges(n)
    indptr, indices = pp.csr_from_edges(n, src, dst, True)
    source = int(np.argmax(np.diff(indptr)))
    levels = pp.bfs_levels(indptr, indices, source)
    sizes = np.bincount(levels[levels >= 0])
    push_level = min(2, sizes.shape[0] - 1)
    pull_level = int(np.argmax(sizes))

    def frontier_at(level):
        return levels == level, (levels >= 0) & (levels <= level)

    push_frontier, push_visited = frontier_at(push_level)
    pull_frontier, pull_visited = frontier_at(pull_level)
    rng = np.random.default_rng(1)
    weights = rng.integers(1, 256, indices.shape[0])

    cases = [
        ("csr_from_edges", pp.csr_from_edges, np_csr_from_edges, (n, src, dst, True)),
        ("transpose", pp.transpose, np_transpose, (indptr, indices, n)),
        (
            f"edge_map push (level {push_level}, {int(push_frontier.sum())} vertices)",
            pp.edge_map,
            lambda p, i, f, v, _d: np_edge_map(p, i, f, v),
            (indptr, indices, push_frontier, push_visited, pp.PUSH),
        ),
        (
            f"edge_map pull (level {pull_level}, {int(pull_frontier.sum())} vertices)",
            pp.edge_map,
            lambda p, i, f, v, _d: np_edge_map(p, i, f, v),
            (indptr, indices, pull_frontier, pull_visited, pp.PULL),
        ),
        (
            "bfs_levels (symmetric=False)",
            pp.bfs_levels,
            lambda p, i, s, _sym: np_bfs_levels(p, i, s),
            (indptr, indices, source, False),
        ),
        (
            "bfs_levels (symmetric=True)",
            pp.bfs_levels,
            lambda p, i, s, _sym: np_bfs_levels(p, i, s),
            (indptr, indices, source, True),
        ),
        (
            "connected_components",
            pp.connected_components,
            np_connected_components,
            (indptr, indices),
        ),
        (
            "maximal_independent_set",
            pp.maximal_independent_set,
            np_maximal_independent_set,
            (indptr, indices, 1),
        ),
        ("bfs_tree", pp.bfs_tree, None, (indptr, indices, source)),
        ("spanning_forest", pp.spanning_forest, None, (indptr, indices)),
        ("maximal_matching", pp.maximal_matching, None, (indptr, indices, 1)),
        ("greedy_matching (exact)", pp.greedy_matching, None, (indptr, indices)),
        ("greedy_independent_set (exact)", pp.greedy_independent_set, None, (indptr, indices)),
        ("greedy_colouring (exact)", pp.greedy_colouring, None, (indptr, indices)),
        (
            "shortest_paths (weights 1-255)",
            pp.shortest_paths,
            None,
            (indptr, indices, weights, source),
        ),
        ("list_rank (one random list)", pp.list_rank, None, (random_list(n, rng),)),
        ("triangle_count", pp.triangle_count, None, (indptr, indices)),
        ("pagerank", pp.pagerank, np_pagerank, (indptr, indices, 0.85, 20)),
    ]
    for name, fn, numpy_fn, args in cases:
        serial_fn = numba.njit(fn.py_func)
        yield (
            {
                "primitive": name,
                "numpy": None if numpy_fn is None else _time(numpy_fn, args, threads),
                "serial": _time(serial_fn, args, 1),
                "parallel": _time(fn, args, threads),
            }
        )
