"""Graph primitives against plain-Python references, on 1 and 2 threads."""

from collections import deque

import numba
import numpy as np
import pytest
from conftest import THREADS

from parevo_lab import primitives as pp

# ---------------------------------------------------------------------------------------------
# graphs (edge lists) and references


def _edge_lists():
    rng = np.random.default_rng(7)
    cases = {
        "empty": (0, np.zeros(0, np.int64), np.zeros(0, np.int64)),
        "one_vertex": (1, np.zeros(0, np.int64), np.zeros(0, np.int64)),
        "one_vertex_self_loop": (1, np.zeros(1, np.int64), np.zeros(1, np.int64)),
        "isolated": (12, np.array([0, 3, 3, 7, 7, 0]), np.array([3, 7, 7, 0, 7, 3])),
        "path": (30, np.arange(29), np.arange(1, 30)),
        "star": (40, np.zeros(39, np.int64), np.arange(1, 40)),
    }
    n = 300
    m = 4 * n
    cases["erdos_renyi"] = (n, rng.integers(0, n, m), rng.integers(0, n, m))
    n = 500
    deg = np.minimum(rng.zipf(2.0, n), n - 1)
    src = np.repeat(np.arange(n), deg)
    cases["power_law"] = (n, src, rng.integers(0, n, src.shape[0]))
    return cases


EDGES = _edge_lists()
NAMES = list(EDGES)


def ref_adjacency(n, src, dst, symmetric):
    rows = [set() for _ in range(n)]
    for a, b in zip(src.tolist(), dst.tolist(), strict=True):
        if a != b:
            rows[a].add(b)
            if symmetric:
                rows[b].add(a)
    return [sorted(r) for r in rows]


def to_csr(rows):
    indptr = np.zeros(len(rows) + 1, np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.array([x for r in rows for x in r], np.int64)
    return indptr, indices


def build(name, symmetric):
    n, src, dst = EDGES[name]
    return n, *to_csr(ref_adjacency(n, src, dst, symmetric))


def ref_bfs(rows, source):
    levels = [-1] * len(rows)
    levels[source] = 0
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in rows[u]:
            if levels[v] < 0:
                levels[v] = levels[u] + 1
                queue.append(v)
    return levels


def ref_pagerank(rows, damping, iterations):
    n = len(rows)
    ranks = np.full(n, 1.0 / n)
    for _ in range(iterations):
        new = np.full(n, (1.0 - damping) / n)
        dangling = sum(ranks[u] for u in range(n) if not rows[u])
        new += damping * dangling / n
        for u in range(n):
            for v in rows[u]:
                new[v] += damping * ranks[u] / len(rows[u])
        ranks = new
    return ranks


def rows_of(indptr, indices):
    return [indices[indptr[v] : indptr[v + 1]].tolist() for v in range(indptr.shape[0] - 1)]


# ---------------------------------------------------------------------------------------------
# tests


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_csr_from_edges(name, symmetric, threads):
    n, src, dst = EDGES[name]
    indptr, indices = pp.csr_from_edges(n, src, dst, symmetric)
    ref_ptr, ref_idx = to_csr(ref_adjacency(n, src, dst, symmetric))
    assert indptr.dtype == np.int64 and indices.dtype == np.int64
    np.testing.assert_array_equal(indptr, ref_ptr)
    np.testing.assert_array_equal(indices, ref_idx)


def test_csr_from_edges_rejects_out_of_range():
    with pytest.raises(ValueError):
        pp.csr_from_edges(3, np.array([0, 3]), np.array([1, 1]), False)


@pytest.mark.parametrize("name", NAMES)
def test_transpose(name, threads):
    n, indptr, indices = build(name, symmetric=False)
    t_ptr, t_idx = pp.transpose(indptr, indices, n)
    rows = [[] for _ in range(n)]
    for u, out in enumerate(rows_of(indptr, indices)):
        for v in out:
            rows[v].append(u)
    ref_ptr, ref_idx = to_csr(rows)
    np.testing.assert_array_equal(t_ptr, ref_ptr)
    np.testing.assert_array_equal(t_idx, ref_idx)


@pytest.mark.parametrize("direction", [0, 1])
@pytest.mark.parametrize("name", NAMES)
def test_edge_map(name, direction, threads):
    n, indptr, indices = build(name, symmetric=False)
    rng = np.random.default_rng(3)
    frontier = rng.random(n) < 0.3
    visited = frontier | (rng.random(n) < 0.3)
    expected = np.zeros(n, bool)
    for u in np.flatnonzero(frontier):
        for v in indices[indptr[u] : indptr[u + 1]]:
            expected[v] |= not visited[v]
    if direction == 1:
        indptr, indices = pp.transpose(indptr, indices, n)
    got = pp.edge_map(indptr, indices, frontier, visited, direction)
    np.testing.assert_array_equal(got, expected)


def assert_bfs_tree(parent, levels, rows, source):
    """parent is a BFS tree of the levels: the source its own parent, every other reached
    vertex linked to a neighbour one level up, the unreached to -1."""
    levels = np.asarray(levels)
    assert parent.dtype == np.int64 and parent[source] == source
    np.testing.assert_array_equal(parent < 0, levels < 0)  # reached = has a parent
    for v in np.flatnonzero(levels > 0):
        assert parent[v] in rows[v] and levels[parent[v]] == levels[v] - 1, v


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_bfs_levels_and_tree(name, symmetric, threads):
    n, indptr, indices = build(name, symmetric)
    if n == 0:
        for bad in (pp.bfs_levels, pp.bfs_tree):
            with pytest.raises(ValueError):
                bad(indptr, indices, 0)
        return
    rows = rows_of(indptr, indices)
    for source in {0, n // 2, n - 1}:
        expected = ref_bfs(rows, source)
        np.testing.assert_array_equal(pp.bfs_levels(indptr, indices, source), expected)
        if symmetric:
            got = pp.bfs_levels(indptr, indices, source, True)
            np.testing.assert_array_equal(got, expected)
            assert_bfs_tree(pp.bfs_tree(indptr, indices, source), expected, rows, source)
    with pytest.raises(ValueError):
        pp.bfs_tree(indptr, indices, n)


def test_bfs_levels_switch_direction_more_than_once(threads):
    # hub 0 with 200 leaves (dense steps), a path from leaf 1 (sparse steps) into hub 210 with
    # 300 leaves (dense again): the path's vertices are in the list of unvisited vertices made
    # at the first dense step, reached since, and must not be found again by the second
    path = list(range(201, 211))
    edges = [(0, v) for v in range(1, 201)] + list(zip([1] + path[:-1], path, strict=True))
    edges += [(210, v) for v in range(211, 511)]
    src, dst = np.array(edges).T
    indptr, indices = to_csr(ref_adjacency(511, src, dst, True))
    rows = rows_of(indptr, indices)
    np.testing.assert_array_equal(pp.bfs_levels(indptr, indices, 0, True), ref_bfs(rows, 0))
    np.testing.assert_array_equal(pp.bfs_levels(indptr, indices, 0), ref_bfs(rows, 0))
    assert_bfs_tree(pp.bfs_tree(indptr, indices, 0), ref_bfs(rows, 0), rows, 0)
    parent = pp.spanning_forest(indptr, indices)
    assert parent[0] == -1 and np.count_nonzero(parent < 0) == 1
    assert all(parent[v] in rows[v] for v in range(1, 511))


def test_bfs_uses_pull_on_a_star(threads):
    # the hub's frontier holds every edge: the pull branch (and its transpose) must run
    n, indptr, indices = build("star", symmetric=False)
    got = pp.bfs_levels(indptr, indices, 0)
    np.testing.assert_array_equal(got, [0] + [1] * (n - 1))


@pytest.mark.parametrize("name", NAMES)
def test_connected_components(name, threads):
    n, indptr, indices = build(name, symmetric=True)
    rows = rows_of(indptr, indices)
    expected = np.full(n, -1, np.int64)
    for v in range(n):
        if expected[v] < 0:
            for u, level in enumerate(ref_bfs(rows, v)):
                if level >= 0:
                    expected[u] = v
    np.testing.assert_array_equal(pp.connected_components(indptr, indices), expected)


@pytest.mark.parametrize("name", NAMES)
def test_maximal_independent_set(name, threads):
    n, indptr, indices = build(name, symmetric=True)
    for seed in (0, 1, 12345):
        mis = pp.maximal_independent_set(indptr, indices, seed)
        assert mis.dtype == np.bool_ and mis.shape == (n,)
        for v, out in enumerate(rows_of(indptr, indices)):
            if mis[v]:
                assert not any(mis[u] for u in out), f"{v} and a neighbour both in the set"
            else:
                assert any(mis[u] for u in out), f"{v} could join: not maximal"


def same_on_every_thread_count(function, *args):
    """``function(*args)`` at each thread count the pool allows, asserted equal; the first."""
    saved = numba.get_num_threads()
    results = []
    for t in THREADS:
        if t <= numba.config.NUMBA_NUM_THREADS:
            numba.set_num_threads(t)
            results.append(function(*args))
    numba.set_num_threads(saved)
    for r in results[1:]:
        np.testing.assert_array_equal(r, results[0])
    return results[0]


def test_maximal_independent_set_is_deterministic():
    _, indptr, indices = build("power_law", symmetric=True)
    first = same_on_every_thread_count(pp.maximal_independent_set, indptr, indices, 42)
    other = pp.maximal_independent_set(indptr, indices, 43)
    assert not np.array_equal(other, first)


@pytest.mark.parametrize("name", NAMES + ["clique"])
def test_triangle_count(name, threads):
    if name == "clique":
        n = 9
        pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
        indptr, indices = to_csr(
            ref_adjacency(n, np.array([a for a, _ in pairs]), np.array([b for _, b in pairs]), 1)
        )
    else:
        n, indptr, indices = build(name, symmetric=True)
    rows = [set(r) for r in rows_of(indptr, indices)]
    expected = sum(
        1 for u in range(n) for v in rows[u] if v > u for w in rows[u] & rows[v] if w > v
    )
    if name == "clique":
        assert expected == 84
    assert pp.triangle_count(indptr, indices) == expected


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_pagerank(name, symmetric, threads):
    n, indptr, indices = build(name, symmetric)
    got = pp.pagerank(indptr, indices, 0.85, 20)
    assert got.shape == (n,)
    if n == 0:
        return
    np.testing.assert_allclose(got, ref_pagerank(rows_of(indptr, indices), 0.85, 20), rtol=1e-10)
    assert abs(got.sum() - 1.0) < 1e-9


def test_pagerank_defaults_and_zero_iterations():
    n, indptr, indices = build("path", symmetric=False)
    np.testing.assert_allclose(
        pp.pagerank(indptr, indices), ref_pagerank(rows_of(indptr, indices), 0.85, 20)
    )
    np.testing.assert_allclose(pp.pagerank(indptr, indices, 0.5, 0), np.full(n, 1.0 / n))


def test_callable_from_user_njit():
    @numba.njit
    def user(n, src, dst):
        indptr, indices = pp.csr_from_edges(n, src, dst, True)
        return pp.triangle_count(indptr, indices), pp.bfs_levels(indptr, indices, 0)

    count, levels = user(3, np.array([0, 1, 2]), np.array([1, 2, 0]))
    assert count == 1
    np.testing.assert_array_equal(levels, [0, 1, 1])


def test_edge_map_rejects_bad_direction():
    n, indptr, indices = build("path", symmetric=False)
    flags = np.zeros(n, bool)
    with pytest.raises(ValueError):
        pp.edge_map(indptr, indices, flags, flags, 2)


def test_self_loops_in_a_raw_csr_are_harmless():
    indptr = np.array([0, 2, 3], np.int64)
    indices = np.array([0, 1, 0], np.int64)
    for seed in (-5, 0, 1, 2):
        assert pp.maximal_independent_set(indptr, indices, seed).sum() == 1
    np.testing.assert_array_equal(pp.connected_components(indptr, indices), [0, 0])
    np.testing.assert_array_equal(pp.bfs_levels(indptr, indices, 1), [1, 0])


@pytest.mark.parametrize("name", NAMES)
def test_spanning_forest_roots_each_component_at_its_smallest_id(name, threads):
    n, indptr, indices = build(name, symmetric=True)
    rows = rows_of(indptr, indices)
    parent = pp.spanning_forest(indptr, indices)
    assert parent.dtype == np.int64 and parent.shape == (n,)
    components = pp.connected_components(indptr, indices)
    np.testing.assert_array_equal(np.flatnonzero(parent < 0), np.unique(components))
    for v in range(n):
        if parent[v] >= 0:
            assert parent[v] in rows[v], f"{v}-{parent[v]} is not an edge"
        u, steps = v, 0
        while parent[u] >= 0:
            u, steps = parent[u], steps + 1
            assert steps <= n, f"a cycle through {v}"
        assert u == components[v]  # every chain ends at the component's root


@pytest.mark.parametrize("name", NAMES)
def test_maximal_matching(name, threads):
    n, indptr, indices = build(name, symmetric=True)
    rows = rows_of(indptr, indices)
    for seed in (0, 7):
        match = pp.maximal_matching(indptr, indices, seed)
        assert match.dtype == np.int64 and match.shape == (n,)
        for v in range(n):
            if match[v] >= 0:
                assert match[match[v]] == v and match[v] in rows[v] and match[v] != v
            else:
                assert all(match[u] >= 0 or u == v for u in rows[v]), f"{v} could be matched"


def test_maximal_matching_refuses_an_edge_without_its_twin_instead_of_looping():
    # 0 -> 2 crosses the two id blocks and 2 has no row: 0 would propose to 2 forever
    indptr = np.array([0, 1, 1, 1, 1], np.int64)
    with pytest.raises(ValueError, match="not symmetric"):
        pp.maximal_matching(indptr, np.array([2], np.int64), 0)


def test_maximal_matching_depends_on_the_seed_never_on_the_threads():
    _, indptr, indices = build("erdos_renyi", symmetric=True)
    first = same_on_every_thread_count(pp.maximal_matching, indptr, indices, 42)
    assert not np.array_equal(pp.maximal_matching(indptr, indices, 43), first)


@pytest.mark.parametrize("name", NAMES)
def test_balanced_bounds_cut_rows_into_runs_of_equal_edges_plus_rows(name, threads):
    n, indptr, indices = build(name, symmetric=True)
    for lo, hi, parts in ((0, n, 4), (n // 3, n, 7), (0, n, 1), (n // 2, n // 2, 3)):
        bounds = pp.balanced_bounds(indptr, lo, hi, parts)
        assert bounds.shape == (parts + 1,) and bounds[0] == lo and bounds[-1] == hi
        assert np.all(np.diff(bounds) >= 0)
        work = indptr[bounds[1:]] + bounds[1:] - indptr[bounds[:-1]] - bounds[:-1]
        share = (indptr[hi] + hi - indptr[lo] - lo) / parts
        heaviest = max((indptr[v + 1] - indptr[v] + 1 for v in range(lo, hi)), default=0)
        assert np.all(work <= share + heaviest), (work, share, heaviest)  # within one row


@pytest.mark.parametrize("name", NAMES)
def test_greedy_independent_set_is_the_serial_greedys_set(name, threads):
    n, indptr, indices = build(name, symmetric=True)
    rows = rows_of(indptr, indices)
    expected = np.zeros(n, np.bool_)
    blocked = np.zeros(n, np.bool_)
    for v in range(n):
        if not blocked[v]:
            expected[v] = True
            blocked[rows[v]] = True
    got = pp.greedy_independent_set(indptr, indices)
    assert got.dtype == np.bool_
    np.testing.assert_array_equal(got, expected)


def test_greedy_independent_set_crosses_windows_and_long_chains():
    # a path 0-1-2-...: every vertex waits for the one below it, across the 4096-id windows
    rows, indptr, indices = path_graph(n := 10_000)
    got = same_on_every_thread_count(pp.greedy_independent_set, indptr, indices)
    np.testing.assert_array_equal(got, np.arange(n) % 2 == 0)


@pytest.mark.parametrize("name", NAMES)
def test_greedy_matching_is_the_serial_greedys_matching(name, threads):
    n, indptr, indices = build(name, symmetric=True)
    got = pp.greedy_matching(indptr, indices)
    assert got.dtype == np.int64 and got.shape == (n,)
    np.testing.assert_array_equal(got, serial_greedy_matching(rows_of(indptr, indices)))


def test_greedy_matching_crosses_windows_hubs_and_long_chains():
    rng = np.random.default_rng(7)
    # a path: each edge waits for the one below it, across the 4096-id windows
    rows, indptr, indices = path_graph(10_000)
    got = same_on_every_thread_count(pp.greedy_matching, indptr, indices)
    np.testing.assert_array_equal(got, serial_greedy_matching(rows))
    # a hub joined to every vertex, and random edges whose larger ends lie windows ahead
    n = 9_000
    src = np.concatenate([np.zeros(n - 1, np.int64), rng.integers(0, n, 30_000)])
    dst = np.concatenate([np.arange(1, n), rng.integers(0, n, 30_000)])
    rows = ref_adjacency(n, src, dst, True)
    indptr, indices = to_csr(rows)
    got = same_on_every_thread_count(pp.greedy_matching, indptr, indices)
    np.testing.assert_array_equal(got, serial_greedy_matching(rows_of(indptr, indices)))
    assert pp.greedy_matching(np.zeros(1, np.int64), np.zeros(0, np.int64)).shape == (0,)


def test_greedy_matching_refuses_rows_out_of_order():
    indptr, indices = to_csr([[2, 1], [0], [0]])
    with pytest.raises(ValueError, match="each CSR row must be sorted"):
        pp.greedy_matching(indptr, indices)


@pytest.mark.parametrize("name", NAMES)
def test_greedy_colouring_is_the_serial_greedys_colouring(name, threads):
    n, indptr, indices = build(name, symmetric=True)
    rows = rows_of(indptr, indices)
    got = pp.greedy_colouring(indptr, indices)
    assert got.dtype == np.int64 and got.shape == (n,)
    np.testing.assert_array_equal(got, serial_greedy_colouring(rows))
    assert all(got[v] != got[u] for v in range(n) for u in rows[v] if u != v)  # a colouring


def test_greedy_colouring_crosses_windows_hubs_cliques_and_long_chains():
    rng = np.random.default_rng(11)
    # a path: each vertex waits for the one below it, across the 4096-id windows
    rows, indptr, indices = path_graph(n := 10_000)
    got = same_on_every_thread_count(pp.greedy_colouring, indptr, indices)
    np.testing.assert_array_equal(got, np.arange(n) % 2)
    # a clique of 90 (colours past the 64 of the bit mask), a hub joined to every vertex,
    # random edges whose larger ends lie windows ahead, and self-loops
    n = 9_000
    clique = np.array([(a, b) for a in range(5000, 5090) for b in range(a + 1, 5090)]).T
    src = np.concatenate([np.zeros(n - 1, np.int64), rng.integers(0, n, 30_000), clique[0]])
    dst = np.concatenate([np.arange(1, n), rng.integers(0, n, 30_000), clique[1]])
    rows = ref_adjacency(n, np.append(src, 7), np.append(dst, 7), True)
    indptr, indices = to_csr(rows)
    got = same_on_every_thread_count(pp.greedy_colouring, indptr, indices)
    np.testing.assert_array_equal(got, serial_greedy_colouring(rows_of(indptr, indices)))
    assert got.max() >= 90  # the clique's vertices all differ, the hub's colour besides
    assert pp.greedy_colouring(np.zeros(1, np.int64), np.zeros(0, np.int64)).shape == (0,)


# ---------------------------------------------------------------------------------------------
# maximal independent set and matching: the blocks of the greedy step, and the rounds after it


def assert_maximal_independent(mis, rows):
    assert mis.dtype == np.bool_ and mis.shape == (len(rows),)
    for v, out in enumerate(rows):
        if mis[v]:
            assert not any(mis[u] for u in out if u != v), f"{v} and a neighbour both in the set"
        else:
            assert any(mis[u] for u in out), f"{v} could join: not maximal"


def assert_maximal_matching(match, rows):
    assert match.dtype == np.int64 and match.shape == (len(rows),)
    for v, out in enumerate(rows):
        if match[v] >= 0:
            assert match[match[v]] == v and match[v] in out and match[v] != v
        else:
            assert all(match[u] >= 0 or u == v for u in out), f"{v} could be matched"


def complete_bipartite_halves(n):
    """Every id below n // 2 joined to every id from n // 2 up: no edge inside a half, so with
    two blocks every edge crosses the boundary and step 1 takes every vertex."""
    half = n // 2
    return to_csr([list(range(half, n)) if v < half else list(range(half)) for v in range(n)])


def with_self_loops(indptr, indices):
    """The same graph with a self-loop added to every third vertex."""
    rows = rows_of(indptr, indices)
    for v in range(0, len(rows), 3):
        rows[v] = sorted(rows[v] + [v])
    return to_csr(rows)


def serial_greedy_set(rows):
    member, blocked = np.zeros(len(rows), np.bool_), np.zeros(len(rows), np.bool_)
    for v, out in enumerate(rows):
        if not blocked[v]:
            member[v] = True
            blocked[[u for u in out if u != v]] = True
    return member


def serial_greedy_matching(rows):
    match = np.full(len(rows), -1, np.int64)
    for v, out in enumerate(rows):
        for u in out if match[v] < 0 else ():
            if u != v and match[u] < 0:
                match[v], match[u] = u, v
                break
    return match


def path_graph(n):
    """The path 0-1-2-...-(n-1): its rows, and its CSR."""
    rows = [[v - 1, v + 1] for v in range(n)]
    rows[0], rows[-1] = [1], [n - 2]
    return rows, *to_csr(rows)


def serial_greedy_colouring(rows):
    colour = np.zeros(len(rows), np.int64)
    for v, out in enumerate(rows):
        used = {int(colour[u]) for u in out if u < v}
        colour[v] = min(c for c in range(len(out) + 1) if c not in used)
    return colour


@pytest.mark.parametrize("blocks", [1, 2, 7])
@pytest.mark.parametrize("name", NAMES + ["bipartite", "self_loops", "big_star"])
def test_independent_set_and_matching_for_any_blocks(name, blocks, threads):
    if name == "bipartite":
        indptr, indices = complete_bipartite_halves(30)
    elif name == "big_star":  # the hub's neighbours in other blocks sit past offset 255
        indptr, indices = to_csr([list(range(1, 1000))] + [[0]] * 999)
    elif name == "self_loops":
        indptr, indices = with_self_loops(*build("power_law", symmetric=True)[1:])
    else:
        _, indptr, indices = build(name, symmetric=True)
    rows = rows_of(indptr, indices)
    for seed in (0, 5):
        mis = pp.maximal_independent_set(indptr, indices, seed, blocks)
        assert_maximal_independent(mis, rows)
        match = pp.maximal_matching(indptr, indices, seed, blocks)
        assert_maximal_matching(match, rows)
        if blocks == 1:  # the serial greedy on everything, nothing left for the rounds
            np.testing.assert_array_equal(mis, serial_greedy_set(rows))
            np.testing.assert_array_equal(match, serial_greedy_matching(rows))


def test_every_edge_crossing_the_blocks_is_left_to_the_rounds():
    indptr, indices = complete_bipartite_halves(40)
    for seed in range(4):
        mis = pp.maximal_independent_set(indptr, indices, seed)  # a whole half, either one
        assert mis.sum() == 20 and (mis[:20].all() or mis[20:].all())
        match = pp.maximal_matching(indptr, indices, seed)  # step 1 matched nothing: all rounds
        assert_maximal_matching(match, rows_of(indptr, indices))
        assert (match >= 0).all()


@pytest.mark.parametrize("blocks", [1, 2, 7])
def test_tiny_graphs_for_any_blocks(blocks):
    cases = {
        0: ([], np.zeros(0, np.bool_), []),
        1: ([[]], [True], [-1]),
        2: ([[1], [0]], [True, False], [1, 0]),
    }
    for n, (rows, mis, match) in cases.items():
        indptr, indices = to_csr(rows)
        for seed in (0, 3):
            got = pp.maximal_independent_set(indptr, indices, seed, blocks)
            assert got.dtype == np.bool_ and got.shape == (n,)
            if n < 2 or blocks == 1:
                np.testing.assert_array_equal(got, mis)
            assert_maximal_independent(got, rows)
            got = pp.maximal_matching(indptr, indices, seed, blocks)
            assert got.dtype == np.int64
            np.testing.assert_array_equal(got, match)
    indptr, indices = to_csr([[0, 1], [0, 1]])  # two self-loops and the edge between them
    for blocks_ in (blocks, 2):
        assert pp.maximal_independent_set(indptr, indices, 1, blocks_).sum() == 1
        np.testing.assert_array_equal(pp.maximal_matching(indptr, indices, 1, blocks_), [1, 0])
    indptr, indices = to_csr([[0]])  # a lone self-loop: a member, never matched to itself
    np.testing.assert_array_equal(pp.maximal_independent_set(indptr, indices, 0, blocks), [True])
    np.testing.assert_array_equal(pp.maximal_matching(indptr, indices, 0, blocks), [-1])


@pytest.mark.parametrize("blocks", [2, 7])
def test_rows_in_any_order(blocks):
    # the repair finds the neighbours in other blocks by their offsets in the row, never by
    # assuming sorted rows: shuffle every row (and put a self-loop in some)
    _, indptr, indices = build("power_law", symmetric=True)
    indptr, indices = with_self_loops(indptr, indices)
    rows = rows_of(indptr, indices)
    rng = np.random.default_rng(5)
    shuffled = [rng.permutation(r).tolist() for r in rows]
    indptr, indices = to_csr(shuffled)
    for seed in (0, 9):
        assert_maximal_independent(pp.maximal_independent_set(indptr, indices, seed, blocks), rows)
        assert_maximal_matching(pp.maximal_matching(indptr, indices, seed, blocks), rows)


@pytest.mark.parametrize("blocks", [2, 7])
def test_independent_set_and_matching_ignore_the_thread_count(blocks):
    _, indptr, indices = build("power_law", symmetric=True)
    first = same_on_every_thread_count(pp.maximal_independent_set, indptr, indices, 42, blocks)
    assert not np.array_equal(pp.maximal_independent_set(indptr, indices, 43, blocks), first)
    first = same_on_every_thread_count(pp.maximal_matching, indptr, indices, 42, blocks)
    assert not np.array_equal(pp.maximal_matching(indptr, indices, 43, blocks), first)


def test_independent_set_and_matching_reject_blocks_below_one():
    _, indptr, indices = build("path", symmetric=True)
    for blocks in (0, -3):
        with pytest.raises(ValueError):
            pp.maximal_independent_set(indptr, indices, 0, blocks)
        with pytest.raises(ValueError):
            pp.maximal_matching(indptr, indices, 0, blocks)


@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (7, 7), (300, 257)])
def test_csr_from_dense_lists_each_rows_nonzeros_in_order(shape, threads):
    rng = np.random.default_rng(sum(shape))
    A = np.where(rng.random(shape) < 0.2, rng.integers(-3, 4, shape), 0).astype(np.int32)
    indptr, indices = pp.csr_from_dense(A)
    rows, cols = np.nonzero(A)
    np.testing.assert_array_equal(indptr, np.searchsorted(rows, np.arange(shape[0] + 1)))
    np.testing.assert_array_equal(indices, cols)
    assert indptr.dtype == indices.dtype == np.int64
    _, bool_indices = pp.csr_from_dense(A != 0)
    np.testing.assert_array_equal(bool_indices, cols)


def _hops_by_queue(A, source, dest):
    """The hop distance by a queue over the matrix rows (-1: no path or a vertex outside)."""
    n = A.shape[0]
    if not (0 <= source < n and 0 <= dest < n):
        return -1
    hops = np.full(n, -1)
    hops[source] = 0
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in np.flatnonzero(A[u]):
            if hops[v] < 0:
                hops[v] = hops[u] + 1
                queue.append(v)
    return int(hops[dest])


def _layered(n, layers, density, seed, symmetric=True):
    """Vertices in layers joined within a layer and to the next: wide levels, a long BFS."""
    rng = np.random.default_rng(seed)
    layer = np.arange(n) * layers // max(n, 1)
    near = np.abs(layer[:, None] - layer[None, :]) <= 1
    upper = np.triu(near & (rng.random((n, n)) < density), 1)
    return (upper | upper.T if symmetric else upper).astype(np.int32)


def test_hop_distance_is_the_bfs_distance_in_both_directions(threads):
    # 1,600 vertices in 8 layers: levels wide enough for the parallel top-down and, from the
    # middle, the parallel bottom-up at the last level; then small graphs, one level serial
    A = _layered(1600, 8, 0.3, 1)
    for source, dest in [(800, 0), (0, 1599), (800, 1599), (5, 5), (0, 1), (1600, 0), (0, -1)]:
        assert pp.hop_distance(A, source, dest, True) == _hops_by_queue(A, source, dest)
        assert pp.hop_distance(A, source, dest, False) == _hops_by_queue(A, source, dest)
    one_way = np.triu(A)  # directed: only towards higher ids, so 800 reaches no lower vertex
    assert pp.hop_distance(one_way, 800, 0, False) == -1
    assert pp.hop_distance(one_way, 0, 1599, False) == _hops_by_queue(one_way, 0, 1599) > 0
    cut = A.copy()
    cut[:800, 800:] = 0
    cut[800:, :800] = 0  # two halves: no path across
    assert pp.hop_distance(cut, 0, 1599, True) == -1
    rng = np.random.default_rng(2)
    for seed in range(30):
        n = int(rng.integers(1, 400))
        B = (rng.random((n, n)) < rng.uniform(0.002, 0.05)).astype(np.int8)
        s, d = int(rng.integers(0, n)), int(rng.integers(0, n))
        assert pp.hop_distance(B, s, d, False) == _hops_by_queue(B, s, d), seed
        S = np.triu(B, 1) | np.triu(B, 1).T
        assert pp.hop_distance(S, s, d, True) == _hops_by_queue(S, s, d), seed
    assert pp.hop_distance(np.zeros((0, 0), np.int32), 0, 0, True) == -1


def test_bfs_level_marks_and_returns_what_the_frontier_reaches_in_either_direction(threads):
    A = _layered(1600, 8, 0.3, 3)
    for frontier, seen, symmetric in [
        (np.arange(800, 1000), 1000, True),  # top-down, parallel (200 rows of 1,600)
        (np.arange(0, 1400), 1400, True),  # bottom-up: 1,400 in the frontier, 200 unvisited
        (np.arange(0, 1400), 1400, False),  # directed: top-down however large the frontier
        (np.array([3]), 4, True),  # a small level, serial
    ]:
        visited = np.arange(1600) < seen
        want = np.setdiff1d(np.flatnonzero(A[frontier].any(axis=0)), np.arange(seen))
        got = pp.bfs_level(A, frontier.astype(np.int64), visited, 1600 - seen, symmetric)
        np.testing.assert_array_equal(np.sort(got), want)
        np.testing.assert_array_equal(np.flatnonzero(visited), np.union1d(np.arange(seen), want))


def test_bfs_level_takes_the_unvisited_count_as_a_hint_and_refuses_bad_vertices():
    A = _layered(1600, 8, 0.3, 3)
    frontier = np.arange(800, 1000, dtype=np.int64)
    want = np.setdiff1d(np.flatnonzero(A[frontier].any(axis=0)), np.arange(1000))
    for hint in (0, 1, 10**6):  # wrong counts: another direction or path, the same level
        visited = np.arange(1600) < 1000
        np.testing.assert_array_equal(np.sort(pp.bfs_level(A, frontier, visited, hint, True)), want)
    visited = np.arange(1600) < 1000
    with pytest.raises(ValueError, match="outside"):
        pp.bfs_level(A, np.array([1600], np.int64), visited, 600, True)
    with pytest.raises(ValueError, match="n x n"):
        pp.bfs_level(A[:, :800], frontier, visited, 600, True)
    with pytest.raises(ValueError, match="n x n"):
        pp.bfs_level(A, frontier, visited[:10], 600, True)
