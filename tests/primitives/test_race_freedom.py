"""Every primitive passes the race detector: lint + shadow replay on inputs big enough to split
into many blocks (a single block would make the check vacuous)."""

import numpy as np
import pytest

from parevo_lab import primitives as pp
from parevo_lab.cascade.races import check_function
from parevo_lab.suite.graphs import random_list

N = 50_000
rng = np.random.default_rng(7)
floats = rng.random(N)
keys = (np.minimum(rng.zipf(1.5, N), 64) - 1).astype(np.int64)
big_keys = rng.integers(0, 2**32, N).astype(np.int64)
flags = rng.random(N) < 0.3
lengths = np.minimum(rng.zipf(1.8, N // 8), 200)
offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
segment_values = rng.random(offsets[-1])
sorted_a = np.sort(rng.random(N // 2))
sorted_b = np.sort(rng.random(N // 2))

V = 20_000
src = rng.integers(0, V, 8 * V).astype(np.int64)
dst = ((src + np.minimum(rng.zipf(1.7, 8 * V), V - 1)) % V).astype(np.int64)
indptr, indices = pp.csr_from_edges(V, src, dst, True)
frontier = np.zeros(V, np.bool_)
frontier[rng.integers(0, V, 2000)] = True
visited = frontier.copy()
path_weights = rng.integers(1, 256, indices.shape[0])
linked = random_list(N, np.random.default_rng(11))  # its own generator: the inputs above stay
# 1600 vertices in 8 layers of 200, neighbours within a layer and the next; from the middle the
# levels are wide enough to run in parallel, top-down and (symmetric) bottom-up at the end
_layer = np.arange(1600) // 200
layered = (
    (np.abs(_layer[:, None] - _layer[None, :]) <= 1)
    & (np.random.default_rng(12).random((1600, 1600)) < 0.3)
).astype(np.int32)
layered = np.triu(layered, 1) | np.triu(layered, 1).T

CASES = {
    "reduce_sum": (pp.reduce_sum, (floats,)),
    "reduce_min": (pp.reduce_min, (floats,)),
    "reduce_max": (pp.reduce_max, (floats,)),
    "argmin": (pp.argmin, (floats,)),
    "argmax": (pp.argmax, (floats,)),
    "inclusive_scan": (pp.inclusive_scan, (floats, pp.ADD)),
    "exclusive_scan": (pp.exclusive_scan, (keys, pp.MAX)),
    "pack": (pp.pack, (floats, flags)),
    "pack_index": (pp.pack_index, (flags,)),
    "histogram": (pp.histogram, (keys, 64)),
    "bincount_weights": (pp.bincount_weights, (keys, floats, 64)),
    "segmented_reduce": (pp.segmented_reduce, (offsets, segment_values, pp.ADD)),
    "segment_ids": (pp.segment_ids, (offsets,)),
    "flatten": (pp.flatten, (offsets, segment_values, rng.integers(0, N // 8, 5000))),
    "radix_sort": (pp.radix_sort, (big_keys,)),
    "unique": (pp.unique, (keys,)),
    "merge": (pp.merge, (sorted_a, sorted_b)),
    "sort_floats": (pp.sort_floats, (floats,)),
    "kth_smallest": (pp.kth_smallest, (big_keys, N // 3)),
    "kth_smallest floats": (pp.kth_smallest, (floats, N // 2)),
    "argsort_floats": (pp.argsort_floats, (floats,)),
    "group_by_key": (pp.group_by_key, (keys, 64)),
    "random_permutation": (pp.random_permutation, (N, 3)),
    "csr_from_edges": (pp.csr_from_edges, (V, src, dst, True)),
    "csr_from_dense": (pp.csr_from_dense, ((rng.random((300, 400)) < 0.1).astype(np.int32),)),
    "bfs_level": (pp.bfs_level, (layered, np.arange(800, 1000), np.arange(1600) < 1000, 600, True)),
    "hop_distance": (pp.hop_distance, (layered, 800, 0, True)),
    "hop_distance directed": (pp.hop_distance, (np.triu(layered), 800, 0, False)),
    "transpose": (pp.transpose, (indptr, indices, V)),
    "balanced_bounds": (pp.balanced_bounds, (indptr, 0, V, 16)),
    "edge_map push": (pp.edge_map, (indptr, indices, frontier, visited, 0)),
    "edge_map pull": (pp.edge_map, (indptr, indices, frontier, visited, 1)),
    "bfs_levels": (pp.bfs_levels, (indptr, indices, 0)),
    "bfs_levels symmetric": (pp.bfs_levels, (indptr, indices, 0, True)),
    "bfs_tree": (pp.bfs_tree, (indptr, indices, 0)),
    "connected_components": (pp.connected_components, (indptr, indices)),
    "core_numbers": (pp.core_numbers, (indptr, indices)),
    "maximal_independent_set": (pp.maximal_independent_set, (indptr, indices, 5)),
    "maximal_matching": (pp.maximal_matching, (indptr, indices, 5)),
    "greedy_independent_set": (pp.greedy_independent_set, (indptr, indices)),
    "greedy_matching": (pp.greedy_matching, (indptr, indices)),
    "greedy_colouring": (pp.greedy_colouring, (indptr, indices)),
    "spanning_forest": (pp.spanning_forest, (indptr, indices)),
    "triangle_count": (pp.triangle_count, (indptr, indices)),
    "pagerank": (pp.pagerank, (indptr, indices)),
    "list_rank": (pp.list_rank, (linked,)),
    "shortest_paths": (pp.shortest_paths, (indptr, indices, path_weights, 0)),
}


def test_every_public_primitive_is_race_checked():
    assert {f.py_func.__name__ for f, _ in CASES.values()} == {
        name for name in pp.__all__ if name not in ("ADD", "MAX", "MIN", "PUSH", "PULL")
    }


@pytest.mark.parametrize("name", sorted(CASES))
def test_primitive_is_race_free(name):
    function, args = CASES[name]
    report = check_function(function, *args, threads=4)
    assert report.status in ("clean",), (report.status, report.reason, report.entries[:2])
