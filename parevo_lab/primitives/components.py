"""Connected components and spanning forests, work-efficient on skewed graphs (Multistep).

Both start as Slota, Rajamanickam and Madduri's Multistep method does ("BFS and coloring-based
parallel algorithms for strongly connected components and related problems", IPDPS 2014): a
direction-optimising BFS from a vertex of largest degree takes the component that vertex lies
in at once (on power-law and most real graphs, the giant one), with O(n + m) work like the
serial algorithm; only the vertices it did not reach, that have edges, then run Jacobi rounds
of min-label propagation, whose work is the rounds times *their* edges. Isolated vertices are
their own components and cost one pass.

Each round reads the labels in one function and writes them in another loop: numba would fuse
two adjacent loops that index the labels indirectly (its fusion test does not see that
dependence) and threads would then read labels other threads write.
"""

import numba
import numpy as np
from numba import prange

from ._util import empty, full
from .pack import pack_index
from .reduce import argmax
from .traversal import bfs_levels, bfs_tree


@numba.njit(parallel=True, cache=True)
def _degrees(indptr):
    n = indptr.shape[0] - 1
    degree = empty(n, np.int64)
    for v in prange(n):
        degree[v] = indptr[v + 1] - indptr[v]
    return degree


@numba.njit(cache=True)
def _hub_component(indptr, indices, degree):
    """BFS levels from a vertex of largest degree (all -1 when there is no edge) and the
    smallest id it reached."""
    n = indptr.shape[0] - 1
    hub = argmax(degree)
    if degree[hub] == 0:
        return full(n, -1, np.int64), np.int64(-1)
    levels = bfs_levels(indptr, indices, hub, True)
    return levels, _first_reached(levels)


@numba.njit(parallel=True, cache=True)
def _first_reached(marks):
    """The smallest v with marks[v] >= 0 (n when there is none)."""
    n = marks.shape[0]
    smallest = n
    for v in prange(n):
        if marks[v] >= 0:
            smallest = min(smallest, np.int64(v))
    return np.int64(smallest)


@numba.njit(parallel=True, cache=True)
def _start(reached, smallest, degree):
    """Each vertex's first label (the BFS's smallest id where it reached, i.e. reached[v] >= 0,
    else the vertex's own) and the vertices it did not reach that have edges."""
    n = reached.shape[0]
    labels = empty(n, np.int64)
    flags = empty(n, np.bool_)
    for v in prange(n):
        here = reached[v] >= 0
        labels[v] = smallest if here else v
        flags[v] = not here and degree[v] > 0
    return labels, pack_index(flags)


@numba.njit(parallel=True, cache=True)
def _lowest_around(indptr, indices, rest, labels):
    """For each listed vertex, the smallest label among itself and its neighbours, and the
    neighbour holding it (-1 when none is below the vertex's own)."""
    low = empty(rest.shape[0], np.int64)
    giver = empty(rest.shape[0], np.int64)
    for i in prange(rest.shape[0]):
        u = rest[i]
        best = labels[u]
        via = np.int64(-1)
        for j in range(indptr[u], indptr[u + 1]):
            w = indices[j]
            if labels[w] < best:
                best = labels[w]
                via = w
        low[i] = best
        giver[i] = via
    return low, giver


@numba.njit(parallel=True, cache=True)
def _jumped(rest, labels):
    """For each listed vertex, the label of its label (one pointer-jumping step)."""
    out = empty(rest.shape[0], np.int64)
    for i in prange(rest.shape[0]):
        out[i] = labels[labels[rest[i]]]
    return out


@numba.njit(parallel=True, cache=True)
def _store(rest, values, labels):
    """labels[rest[i]] = values[i]; the number of labels that changed."""
    changed = 0
    for i in prange(rest.shape[0]):
        if values[i] != labels[rest[i]]:
            labels[rest[i]] = values[i]
            changed += 1
    return changed


@numba.njit(parallel=True, cache=True)
def connected_components(indptr, indices):
    """Connected components (Multistep): a BFS from a vertex of largest degree, then min-label
    propagation with pointer jumping over the vertices it did not reach.

    Work: O(n + m + R * m_rest + J * n_rest), where the rest (n_rest vertices, m_rest edges) is
    what the BFS did not reach, R its propagation rounds (at most its largest component's
    diameter + 1) and J its jumps. Span: O(D * (sqrt(n + m) + max degree) + R * max degree + J)
    for the BFS's D levels.

    Args:
        indptr, indices: symmetric (undirected) int64 CSR; on a directed graph the labels are
            not components.

    Returns:
        int64 array of n: the smallest vertex id in each vertex's component. n = 0 gives [].
    """
    n = indptr.shape[0] - 1
    if n == 0:
        return np.arange(n)
    degree = _degrees(indptr)
    levels, smallest = _hub_component(indptr, indices, degree)
    labels, rest = _start(levels, smallest, degree)
    while rest.shape[0] > 0:
        low, _ = _lowest_around(indptr, indices, rest, labels)
        changed = _store(rest, low, labels)
        while _store(rest, _jumped(rest, labels), labels) > 0:
            pass  # a label is a vertex of the same component, with a label <= its own
        if changed == 0:
            break
    return labels


@numba.njit(cache=True)
def _reroot(parent, root):
    """Reverse the parent links on the path from ``root`` to its tree's root: ``root`` becomes
    the root, every other vertex keeps a neighbour as its parent."""
    previous = np.int64(-1)
    u = np.int64(root)
    while u >= 0:
        up = parent[u]
        parent[u] = previous
        previous = u
        u = up


@numba.njit(parallel=True, cache=True)
def _store_forest(rest, low, giver, labels, parent):
    changed = 0
    for i in prange(rest.shape[0]):
        if giver[i] >= 0:
            labels[rest[i]] = low[i]
            parent[rest[i]] = giver[i]
            changed += 1
    return changed


@numba.njit(cache=True)
def spanning_forest(indptr, indices):
    """Spanning forest (Multistep), rooted at each component's smallest vertex id (as a serial
    BFS forest from the vertices in id order is): the BFS tree from a vertex of largest degree,
    re-rooted at its component's smallest id, then min-label propagation over the vertices the
    BFS did not reach.

    Work: O(n + m + R * m_rest), where the rest (m_rest edges) is what the BFS did not reach
    and R its rounds (the eccentricity of a component's smallest vertex, + 1). Span: O(D *
    (sqrt(n + m) + max degree) + R * max degree) for the BFS's D levels.

    Args:
        indptr, indices: symmetric (undirected) int64 CSR; self-loops are ignored.

    Returns:
        int64 array of n: -1 at each component's smallest id (its root), otherwise a neighbour
        of v one link nearer the root: in the BFS's tree, its ``bfs_tree`` parent (re-rooted);
        elsewhere, the neighbour through which v first received its component's
        smallest id (a label only drops, and the round of the last change strictly decreases
        along the links, so following them always ends at the root). n = 0 gives [].
    """
    n = indptr.shape[0] - 1
    if n == 0:
        return full(n, -1, np.int64)
    degree = _degrees(indptr)
    hub = argmax(degree)
    if degree[hub] == 0:
        return full(n, -1, np.int64)
    parent = bfs_tree(indptr, indices, hub)  # -1 where the BFS did not reach
    smallest = _first_reached(parent)
    labels, rest = _start(parent, smallest, degree)  # the tree's labels are never read
    parent[hub] = -1
    _reroot(parent, smallest)
    while rest.shape[0] > 0:
        low, giver = _lowest_around(indptr, indices, rest, labels)
        if _store_forest(rest, low, giver, labels, parent) == 0:
            break
    return parent
