"""Work-span parallel primitives for numba (in the spirit of ParlayLib).

Every public function is compiled with `numba.njit(cache=True)` (parallel where it pays), so it
can be called from Python and from users' own `@njit` code. Scans and segmented reductions take
an op code: ADD, MAX or MIN.
"""

from pathlib import Path

from ..version import drop_stale_cache
from ._util import ADD, MAX, MIN
from .components import connected_components, spanning_forest
from .cores import core_numbers
from .csr import balanced_bounds, csr_from_dense, csr_from_edges, transpose
from .dense import bfs_level, hop_distance
from .graph import (
    maximal_independent_set,
    maximal_matching,
    pagerank,
    triangle_count,
)
from .greedy import greedy_colouring, greedy_independent_set, greedy_matching
from .histogram import bincount_weights, histogram
from .lists import list_rank
from .pack import pack, pack_index
from .paths import shortest_paths
from .reduce import argmax, argmin, reduce_max, reduce_min, reduce_sum
from .scan import exclusive_scan, inclusive_scan
from .segments import flatten, segment_ids, segmented_reduce
from .select import kth_smallest
from .sort import (
    argsort_floats,
    group_by_key,
    merge,
    radix_sort,
    random_permutation,
    sort_floats,
    unique,
)
from .traversal import PULL, PUSH, bfs_levels, bfs_tree, edge_map

# numba loads a function's cache at its first call: dropping a stale one now is in time
drop_stale_cache(Path(__file__).parent)

__all__ = [
    "ADD",
    "MAX",
    "MIN",
    "PULL",
    "PUSH",
    "argmax",
    "argmin",
    "balanced_bounds",
    "bfs_level",
    "bfs_levels",
    "bfs_tree",
    "bincount_weights",
    "connected_components",
    "core_numbers",
    "csr_from_dense",
    "csr_from_edges",
    "edge_map",
    "exclusive_scan",
    "flatten",
    "greedy_colouring",
    "greedy_independent_set",
    "greedy_matching",
    "group_by_key",
    "histogram",
    "hop_distance",
    "inclusive_scan",
    "kth_smallest",
    "list_rank",
    "maximal_independent_set",
    "maximal_matching",
    "merge",
    "pack",
    "pack_index",
    "pagerank",
    "radix_sort",
    "random_permutation",
    "reduce_max",
    "reduce_min",
    "reduce_sum",
    "segment_ids",
    "segmented_reduce",
    "shortest_paths",
    "sort_floats",
    "spanning_forest",
    "argsort_floats",
    "transpose",
    "triangle_count",
    "unique",
]
