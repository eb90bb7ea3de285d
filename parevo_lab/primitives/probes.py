"""The tests of ``templates``: where a CSR graph lies among a reference's arguments, and whether
the reference's output on one input behaves like each template's primitive, in plain numpy and
Python, independent of the primitives (connected components by union-find, BFS by a queue,
independence and maximality by counting edges). Each test returns the output's convention, or
None when it does not behave so."""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np

NOT_IT = None  # what a test returns when the output does not behave like the template's
ANY = "?"  # a convention's value the probe could not tell (``templates.matches`` lets it yield)


# ---------------------------------------------------------------- the inputs a template takes


def matrix_inputs(args: tuple) -> dict | None:
    """``{"matrix": i, "source": j or None, "dest": k or None, "symmetric": bool, "n": n}`` for
    the first square 2-D integer or bool array (an adjacency matrix: A[i, j] != 0 is an edge
    i -> j), with the first two integer arguments after it in [0, n) as a source and a
    destination vertex; None when there is no such matrix."""
    for i, value in enumerate(args):
        if (
            isinstance(value, np.ndarray)
            and value.ndim == 2
            and value.shape[0] == value.shape[1]
            and value.dtype.kind in "iub"
        ):
            n = value.shape[0]
            edges = value != 0
            vertices = [j for j in range(i + 1, len(args)) if _vertex(args[j], n)][:2]
            vertices += [None] * (2 - len(vertices))
            return {
                "matrix": i,
                "source": vertices[0],
                "dest": vertices[1],
                "symmetric": bool((edges == edges.T).all()),
                "n": n,
            }
    return None


def _vertex(value, n: int) -> bool:
    return (
        isinstance(value, int | np.integer)
        and not isinstance(value, bool | np.bool_)
        and 0 <= value < n
    )


def graph_of(args, where) -> tuple[np.ndarray, np.ndarray]:
    """(indptr, indices) of the probe's graph: its CSR arguments, or its matrix's nonzeros."""
    if where.get("matrix") is None:
        return args[where["indptr"]], args[where["indices"]]
    rows, cols = np.nonzero(args[where["matrix"]])
    n = where["n"]
    return np.searchsorted(rows, np.arange(n + 1)).astype(np.int64), cols.astype(np.int64)


def graph_inputs(args: tuple) -> dict | None:
    """Where a CSR graph lies in ``args``: ``{"indptr": i, "indices": i + 1, "source": k or
    None, "weights": w or None, "symmetric": bool, "n": n}`` for the first two adjacent integer
    arrays that form one (indptr of n + 1 non-decreasing from 0, indices of indptr[-1] values in
    [0, n)), with the first integer argument after them in [0, n) as the source and the first
    numeric array after them as long as ``indices``, with no negative value, as the edges'
    weights; None when no argument pair is a CSR graph."""
    for i in range(len(args) - 1):
        indptr, indices = args[i], args[i + 1]
        if not (_int_vector(indptr) and _int_vector(indices)) or indptr.shape[0] < 1:
            continue
        n = indptr.shape[0] - 1
        if indptr[0] != 0 or np.any(np.diff(indptr) < 0) or indptr[-1] != indices.shape[0]:
            continue
        if indices.size and (indices.min() < 0 or indices.max() >= max(n, 1)):
            continue
        source = weights = None
        for k in range(i + 2, len(args)):
            value = args[k]
            if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
                if source is None:
                    source = k if 0 <= int(value) < max(n, 1) else -1
            elif weights is None and _weights(value, indices.shape[0]):
                weights = k
        return {
            "indptr": i,
            "indices": i + 1,
            "source": source if source is not None and source >= 0 else None,
            "weights": weights,
            "symmetric": _symmetric(indptr, indices),
            "n": n,
        }
    return None


def _weights(value, m: int) -> bool:
    return (
        isinstance(value, np.ndarray)
        and value.ndim == 1
        and value.dtype.kind in "iuf"
        and value.shape[0] == m
        and not (m and (np.isnan(value).any() or value.min() < 0))
    )


def _int_vector(a) -> bool:
    return isinstance(a, np.ndarray) and a.ndim == 1 and a.dtype.kind in "iu"


def _symmetric(indptr, indices) -> bool:
    n = indptr.shape[0] - 1
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    there = {(int(a), int(b)) for a, b in zip(src, indices, strict=True)}
    return all((b, a) in there for a, b in there)


def _edges(indptr, indices):
    n = indptr.shape[0] - 1
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    return src, indices.astype(np.int64)


# ---------------------------------------------------------------- the tests (one input each)


def _components(indptr, indices) -> np.ndarray:
    """Each vertex's smallest component id, edges taken as undirected (union-find)."""
    n = indptr.shape[0] - 1
    root = list(range(n))

    def find(v):
        while root[v] != v:
            root[v] = root[root[v]]
            v = root[v]
        return v

    for a, b in zip(*_edges(indptr, indices), strict=True):
        ra, rb = find(int(a)), find(int(b))
        if ra != rb:
            root[max(ra, rb)] = min(ra, rb)
    return np.array([find(v) for v in range(n)], dtype=np.int64)


def _labels(output, n: int) -> np.ndarray | None:
    if not _int_vector(output) or output.shape != (n,):
        return None
    return output.astype(np.int64)


def components_test(args, where, output):
    """ "min": each vertex labelled with its component's smallest id; "rank": with the rank of
    its component among the components ordered by smallest id (0, 1, 2, ...)."""
    n = where["n"]
    labels = _labels(output, n)
    if labels is None:
        return NOT_IT
    minimum = _components(args[where["indptr"]], args[where["indices"]])
    if np.array_equal(labels, minimum):
        return "min"
    rank = np.searchsorted(np.unique(minimum), minimum) if n else minimum
    if np.array_equal(labels, rank):
        return "rank"
    return NOT_IT


def _per_vertex_from_source(where, output) -> np.ndarray | None:
    """The output as int64 values per vertex of a graph with a source and a vertex, or None."""
    if where["source"] is None or where["n"] == 0:
        return None
    return _labels(output, where["n"])


def bfs_test(args, where, output):
    """ "unreachable=X": hop distances from the source, X at vertices it cannot reach ("-1"
    when every vertex of every probe was reachable)."""
    levels = _per_vertex_from_source(where, output)
    if levels is None:
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    hops = _hops(indptr, indices, int(args[where["source"]]))
    reached = hops >= 0
    return _marked(levels, hops[reached], reached)


def _hops(indptr, indices, source: int) -> np.ndarray:
    """Hop distances from source by a queue (-1 where it cannot reach)."""
    hops = np.full(indptr.shape[0] - 1, -1, np.int64)
    hops[source] = 0
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in indices[indptr[u] : indptr[u + 1]]:
            if hops[v] < 0:
                hops[v] = hops[u] + 1
                queue.append(int(v))
    return hops


def hop_distance_test(args, where, output):
    """ "unreachable=X": the number of edges on a shortest path from the source vertex to the
    destination of an adjacency matrix, X when there is none (ANY when it is reached)."""
    value = _scalar(output)
    if value is None or where.get("matrix") is None or where.get("dest") is None:
        return NOT_IT
    source, dest = int(args[where["source"]]), int(args[where["dest"]])
    hops = int(_hops(*graph_of(args, where), source)[dest])
    if hops >= 0:
        return f"unreachable={ANY}" if value == hops else NOT_IT
    return f"unreachable={value}"


def triangles_test(args, where, output):
    """ "count": the number of triangles of the (symmetric) graph, each counted once."""
    if not where["symmetric"] or _scalar(output) is None:
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    rows = [set(indices[indptr[v] : indptr[v + 1]].tolist()) for v in range(where["n"])]
    count = sum(
        len([w for w in rows[u] & rows[v] if w > v])
        for u in range(where["n"])
        for v in rows[u]
        if v > u
    )
    return "count" if int(output) == count else NOT_IT


def _members(output, n):
    if not isinstance(output, np.ndarray) or output.shape != (n,):
        return None
    if output.dtype == np.bool_:
        return output
    if output.dtype.kind in "iu" and np.isin(output, (0, 1)).all():
        return output.astype(np.bool_)
    return None


def independent_set_test(args, where, output):
    """ "valid": a maximal independent set (a bool, or 0/1, per vertex)."""
    if not where["symmetric"]:
        return NOT_IT
    members = _members(output, where["n"])
    if members is None:
        return NOT_IT
    src, dst = _edges(args[where["indptr"]], args[where["indices"]])
    real = src != dst
    if np.any(members[src[real]] & members[dst[real]]):
        return NOT_IT
    covered = members.copy()
    covered[src[real & members[dst]]] = True
    return "valid" if covered.all() else NOT_IT


def greedy_set_test(args, where, output):
    """ "first": exactly the serial greedy's set (take the vertices in id order, each one no
    earlier member blocks): the lexicographically first maximal independent set."""
    if not where["symmetric"]:
        return NOT_IT
    members = _members(output, where["n"])
    if members is None:
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    first = np.zeros(where["n"], np.bool_)
    blocked = np.zeros(where["n"], np.bool_)
    for v in range(where["n"]):
        if not blocked[v]:
            first[v] = True
            blocked[indices[indptr[v] : indptr[v + 1]]] = True
    return "first" if np.array_equal(members, first) else NOT_IT


def matching_test(args, where, output):
    """ "valid": a maximal matching as each vertex's partner, -1 when unmatched."""
    n = where["n"]
    match = _labels(output, n)
    if match is None or not where["symmetric"] or np.any((match < -1) | (match >= n)):
        return NOT_IT
    src, dst = _edges(args[where["indptr"]], args[where["indices"]])
    matched = np.flatnonzero(match >= 0)
    if np.any(match[match[matched]] != matched):
        return NOT_IT
    pairs = set(zip(src.tolist(), dst.tolist(), strict=True))
    if any((int(v), int(match[v])) not in pairs for v in matched):
        return NOT_IT
    free = match < 0
    if np.any(free[src] & free[dst] & (src != dst)):
        return NOT_IT
    if not matched.size and not src.size:
        return NOT_IT  # nothing to tell a matching from an array of -1
    return "valid"


def greedy_matching_test(args, where, output):
    """ "first": exactly the serial greedy's matching (each unmatched vertex, in id order, takes
    its first unmatched neighbour of its sorted row)."""
    n = where["n"]
    match = _labels(output, n)
    if match is None or not where["symmetric"]:
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    src, dst = _edges(indptr, indices)
    if not src.size or np.any((src[1:] == src[:-1]) & (dst[1:] < dst[:-1])):
        return NOT_IT  # no edge to tell it apart, or rows out of order (another greedy order)
    first = np.full(n, -1, np.int64)
    for u in range(n):
        if first[u] < 0:
            for v in indices[indptr[u] : indptr[u + 1]]:
                if v != u and first[v] < 0:
                    first[u], first[v] = v, u
                    break
    return "first" if np.array_equal(match, first) else NOT_IT


def greedy_colouring_test(args, where, output):
    """ "first": exactly the serial first-fit greedy's colouring (each vertex, in id order, takes
    the smallest colour 0, 1, 2, ... that no lower neighbour has)."""
    n = where["n"]
    colour = _labels(output, n)
    if colour is None or not where["symmetric"]:
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    src, dst = _edges(indptr, indices)
    if not np.any(src != dst):
        return NOT_IT  # no edge: nothing to tell a colouring from an array of zeros
    first = np.zeros(n, np.int64)
    for v in range(n):
        lower = indices[indptr[v] : indptr[v + 1]]
        used = set(first[lower[lower < v]].tolist())
        c = 0
        while c in used:
            c += 1
        first[v] = c
    return "first" if np.array_equal(colour, first) else NOT_IT


def forest_test(args, where, output):
    """ "valid": a spanning forest as parent links (-1 at the roots), one tree per component."""
    n = where["n"]
    parent = _labels(output, n)
    if parent is None or not where["symmetric"] or np.any((parent < -1) | (parent >= n)):
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    src, dst = _edges(indptr, indices)
    pairs = set(zip(src.tolist(), dst.tolist(), strict=True))
    linked = np.flatnonzero(parent >= 0)
    if any((int(v), int(parent[v])) not in pairs for v in linked):
        return NOT_IT
    minimum = _components(indptr, indices)
    if int(np.count_nonzero(parent < 0)) != len(np.unique(minimum)):
        return NOT_IT
    for v in range(n):  # every chain ends at a root within n links
        u, steps = v, 0
        while parent[u] >= 0 and steps <= n:
            u, steps = int(parent[u]), steps + 1
        if steps > n:
            return NOT_IT
    return "valid"


def shortest_paths_test(args, where, output):
    """ "unreachable=X": the smallest total edge weight of a path from the source (Dijkstra over
    the weights), X at vertices it cannot reach; integer outputs only (float sums depend on the
    order they are added in)."""
    dist = _per_vertex_from_source(where, output)
    if dist is None or where.get("weights") is None:
        return NOT_IT
    n = where["n"]
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    weights = args[where["weights"]]
    best: dict[int, float] = {int(args[where["source"]]): 0}
    heap = [(0, int(args[where["source"]]))]
    while heap:
        d, u = heapq.heappop(heap)
        if d > best[u]:
            continue
        for j in range(indptr[u], indptr[u + 1]):
            v, dv = int(indices[j]), d + weights[j]
            if v not in best or dv < best[v]:
                best[v] = dv
                heapq.heappush(heap, (dv, v))
    reached = np.zeros(n, np.bool_)
    reached[list(best)] = True
    exact = np.array([best[v] for v in range(n) if reached[v]], dtype=np.float64)
    return _marked(dist, exact, reached)


def _marked(found, expected, reached):
    """ "unreachable=X" when ``found`` holds ``expected`` at the reached vertices and one marker
    X at all the others (ANY when every vertex was reached), else NOT_IT."""
    if not np.array_equal(found[reached].astype(np.float64), np.asarray(expected, np.float64)):
        return NOT_IT
    markers = set(found[~reached].tolist())
    if len(markers) > 1:
        return NOT_IT
    return f"unreachable={markers.pop() if markers else ANY}"


def _scalar(output) -> int | None:
    if isinstance(output, bool | np.bool_):
        return None
    if isinstance(output, int | np.integer):
        return int(output)
    if isinstance(output, np.ndarray) and output.shape == () and output.dtype.kind in "iu":
        return int(output)
    return None


def component_count_test(args, where, output):
    """ "count": the number of connected components (an isolated vertex is one)."""
    value = _scalar(output)
    if value is None or not where["symmetric"]:
        return NOT_IT
    labels = _components(*graph_of(args, where))
    return "count" if value == np.unique(labels).shape[0] else NOT_IT


def largest_component_test(args, where, output):
    """ "size": the number of vertices of the largest connected component (0 without any)."""
    value = _scalar(output)
    if value is None or not where["symmetric"]:
        return NOT_IT
    labels = _components(*graph_of(args, where))
    largest = int(np.bincount(labels).max()) if labels.shape[0] else 0
    return "size" if value == largest else NOT_IT


def core_numbers_test(args, where, output):
    """ "exact": each vertex's core number (the largest k with the vertex in a subgraph of
    minimum degree k), found by peeling a vertex of least degree at a time off a heap."""
    if not where["symmetric"] or _labels(output, where["n"]) is None:
        return NOT_IT
    indptr, indices = args[where["indptr"]], args[where["indices"]]
    degree = np.diff(indptr).tolist()
    heap = [(d, v) for v, d in enumerate(degree)]
    heapq.heapify(heap)
    core, gone, k = [0] * where["n"], [False] * where["n"], 0
    while heap:
        d, v = heapq.heappop(heap)
        if gone[v] or d != degree[v]:
            continue  # a stale entry: v was peeled, or its degree fell since
        k = max(k, d)
        core[v], gone[v] = k, True
        for u in indices[indptr[v] : indptr[v + 1]].tolist():
            if not gone[u]:
                degree[u] -= 1
                heapq.heappush(heap, (degree[u], u))
    return "exact" if np.array_equal(output, core) else NOT_IT
