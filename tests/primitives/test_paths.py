"""shortest_paths against a plain-Python Dijkstra (heapq), on 1 and 2 threads."""

import heapq

import numba
import numpy as np
import pytest
from conftest import THREADS
from test_graph import NAMES, build, rows_of

from parevo_lab.cascade.races import check_function
from parevo_lab.primitives import paths
from parevo_lab.primitives.csr import csr_from_edges
from parevo_lab.primitives.paths import shortest_paths
from parevo_lab.suite.graphs import edge_weights, grid3d


def ref_dijkstra(indptr, indices, weights, source):
    """Distances by Dijkstra with a binary heap, summed in Python ints or float64; -1 where
    unreachable."""
    n = indptr.shape[0] - 1
    integer = np.issubdtype(weights.dtype, np.integer)
    w = [int(x) if integer else float(x) for x in weights.tolist()]
    rows = rows_of(indptr, indices)
    dist = [None] * n
    best = {source: 0 if integer else 0.0}
    heap = [(best[source], source)]
    while heap:
        d, u = heapq.heappop(heap)
        if dist[u] is not None:
            continue
        dist[u] = d
        for j, v in zip(range(indptr[u], indptr[u + 1]), rows[u], strict=True):
            nd = d + w[j]
            if dist[v] is None and (v not in best or nd < best[v]):
                best[v] = nd
                heapq.heappush(heap, (nd, v))
    return np.array([-1 if d is None else d for d in dist], np.int64 if integer else np.float64)


def check(indptr, indices, weights, source, delta=0):
    got = shortest_paths(indptr, indices, weights, source, delta)
    expected = ref_dijkstra(indptr, indices, weights, source)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)  # exact: distances are unique
    return got


def sources(n):
    return sorted({0, n // 2, n - 1})


def torus(side, seed=5):
    indptr, indices = grid3d(side)
    return indptr, indices, edge_weights(indptr, indices, np.random.default_rng(seed), 255)


def race_graph():
    """The graph of test_race_freedom (20,000 vertices, skewed degrees), weights in [1, 255]."""
    rng = np.random.default_rng(7)
    v = 20_000
    src = rng.integers(0, v, 8 * v).astype(np.int64)
    dst = ((src + np.minimum(rng.zipf(1.7, 8 * v), v - 1)) % v).astype(np.int64)
    indptr, indices = csr_from_edges(v, src, dst, True)
    return indptr, indices, edge_weights(indptr, indices, np.random.default_rng(3), 255)


# ---------------------------------------------------------------------------------------------
# against Dijkstra


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_integer_weights(name, symmetric, threads):
    n, indptr, indices = build(name, symmetric)
    weights = np.random.default_rng(11).integers(1, 256, indices.shape[0])
    if n == 0:
        assert shortest_paths(indptr, indices, weights, 0).dtype == np.int64
        return
    for source in sources(n):
        check(indptr, indices, weights, source)


@pytest.mark.parametrize("symmetric", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_float_weights(name, symmetric, threads):
    n, indptr, indices = build(name, symmetric)
    weights = np.random.default_rng(12).random(indices.shape[0]) * 10.0
    if n == 0:
        assert shortest_paths(indptr, indices, weights, 0).dtype == np.float64
        return
    for source in sources(n):
        check(indptr, indices, weights, source)


def test_torus_integer_and_float(threads):
    indptr, indices, weights = torus(30)  # 27,000 vertices: rounds of more than 512 pending
    n = indptr.shape[0] - 1
    for source in (0, 12_345):
        got = check(indptr, indices, weights, source)
        assert got.min() == 0 and (got > 0).sum() == n - 1
    floats = weights / 255.0
    check(indptr, indices, floats, 777)


def test_skewed_graph_with_parallel_rounds(threads):
    indptr, indices, weights = race_graph()
    check(indptr, indices, weights, 0)
    check(indptr, indices, weights.astype(np.float64) + 0.5, 9_999)


def test_rounds_really_run_in_parallel():
    # the graphs above are big enough for the parallel round, not only the serial one
    for indptr, indices, weights in (torus(30)[:3], race_graph()):
        n = indptr.shape[0] - 1
        inf = np.iinfo(np.int64).max
        dist = np.full(n, inf, np.int64)
        flag = np.zeros(n, np.bool_)
        dist[0], flag[0] = 0, True
        pending, low, parallel = np.zeros(1, np.int64), 0, 0
        width = 32
        while pending.shape[0]:
            if pending.shape[0] < paths._SMALL:
                pending, low = paths._serial_round(
                    indptr, indices, weights, pending, dist, flag, width, inf
                )
            else:
                parallel += 1
                pending, low = paths._parallel_round(
                    indptr, indices, weights, pending, low, dist, flag, width, inf
                )
        assert parallel >= 3
        np.testing.assert_array_equal(dist, ref_dijkstra(indptr, indices, weights, 0))


def test_unreachable_vertices(threads):
    # directed: 0 -> 1 -> 2, 3 -> 0, 4 isolated; and a second component {5, 6}
    rows = [[1], [2], [], [0], [], [6], [5]]
    indptr = np.array([0, *np.cumsum([len(r) for r in rows])], np.int64)
    indices = np.array([x for r in rows for x in r], np.int64)
    weights = np.array([4, 5, 1, 2, 3], np.int64)
    np.testing.assert_array_equal(
        shortest_paths(indptr, indices, weights, 0), [0, 4, 9, -1, -1, -1, -1]
    )
    np.testing.assert_array_equal(
        shortest_paths(indptr, indices, weights, 3), [1, 5, 10, 0, -1, -1, -1]
    )
    floats = shortest_paths(indptr, indices, weights.astype(np.float64), 5)
    np.testing.assert_array_equal(floats, [-1.0, -1.0, -1.0, -1.0, -1.0, 0.0, 2.0])


def test_zero_weight_edges(threads):
    rng = np.random.default_rng(4)
    _, indptr, indices = build("power_law", symmetric=True)
    few = rng.integers(0, 3, indices.shape[0])  # a third of the edges weigh 0
    for source in (0, 250):
        check(indptr, indices, few, source)
        check(indptr, indices, few.astype(np.float64) * 0.5, source)
    # every weight 0: the automatic width is 1 (integers) or 1.0 (floats)
    zero = np.zeros(indices.shape[0], np.int64)
    got = check(indptr, indices, zero, 0)
    assert set(np.unique(got)) <= {-1, 0}
    check(indptr, indices, zero.astype(np.float64), 0)
    # and zero-weight edges on graphs with parallel rounds
    indptr, indices, weights = torus(30)
    check(indptr, indices, weights % 4, 3)
    indptr, indices, weights = race_graph()
    check(indptr, indices, weights % 3, 17)


def test_single_vertex_and_empty_graph():
    one = np.zeros(2, np.int64)
    none = np.zeros(0, np.int64)
    got = shortest_paths(one, none, none, 0)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, [0])
    np.testing.assert_array_equal(shortest_paths(one, none, none.astype(np.float32), 0), [0.0])
    empty = np.zeros(1, np.int64)
    for source in (0, 5, -1):  # n = 0 gives [] for any source
        ints = shortest_paths(empty, none, none, source)
        floats = shortest_paths(empty, none, none.astype(np.float64), source)
        assert ints.shape == (0,) and ints.dtype == np.int64
        assert floats.shape == (0,) and floats.dtype == np.float64


def test_narrow_dtypes(threads):
    indptr, indices, weights = torus(12)
    wide = shortest_paths(indptr, indices, weights, 5)
    narrow = shortest_paths(indptr, indices, weights.astype(np.int32), 5)
    assert narrow.dtype == np.int64
    np.testing.assert_array_equal(narrow, wide)
    floats = weights.astype(np.float32) / np.float32(7)
    got = check(indptr, indices, floats, 5)  # summed in float64 from the float32 values
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, shortest_paths(indptr, indices, floats.astype(float), 5))


@pytest.mark.parametrize("graph", ["torus", "skewed", "power_law"])
def test_answer_does_not_depend_on_delta(graph, threads):
    if graph == "torus":
        indptr, indices, weights = torus(30)
    elif graph == "skewed":
        indptr, indices, weights = race_graph()
    else:
        _, indptr, indices = build(graph, symmetric=False)
        weights = np.random.default_rng(2).integers(1, 256, indices.shape[0])
    expected = ref_dijkstra(indptr, indices, weights, 1)
    for delta in (0, 1, 7, 10**9):
        np.testing.assert_array_equal(shortest_paths(indptr, indices, weights, 1, delta), expected)
    floats = weights / 3.0
    expected = ref_dijkstra(indptr, indices, floats, 1)
    for delta in (0, 0.25, 7, 1e12):
        np.testing.assert_array_equal(shortest_paths(indptr, indices, floats, 1, delta), expected)


def test_same_answer_on_every_thread_count():
    cases = [race_graph(), torus(30), torus(30)[:2] + (torus(30)[2] / 9.0,)]
    for indptr, indices, weights in cases:
        saved = numba.get_num_threads()
        results = []
        for t in THREADS:
            if t <= numba.config.NUMBA_NUM_THREADS:
                numba.set_num_threads(t)
                results.append(shortest_paths(indptr, indices, weights, 42))
        numba.set_num_threads(saved)
        for r in results[1:]:
            np.testing.assert_array_equal(r, results[0])


# ---------------------------------------------------------------------------------------------
# errors, the docstring, races


def test_rejects_bad_input():
    n, indptr, indices = build("path", symmetric=True)
    weights = np.ones(indices.shape[0], np.int64)
    for source in (-1, n, n + 10):
        with pytest.raises(ValueError):
            shortest_paths(indptr, indices, weights, source)
    negative = weights.copy()
    negative[7] = -1
    with pytest.raises(ValueError):
        shortest_paths(indptr, indices, negative, 0)
    with pytest.raises(ValueError):
        shortest_paths(indptr, indices, negative.astype(np.float32) * 0.5, 0)
    nan = weights.astype(np.float64)
    nan[3] = np.nan
    with pytest.raises(ValueError):
        shortest_paths(indptr, indices, nan, 0)
    with pytest.raises(ValueError):
        shortest_paths(indptr, indices, weights[:-1], 0)
    with pytest.raises(ValueError):
        shortest_paths(indptr, indices, weights, 0, -3)


def test_callable_from_user_njit():
    @numba.njit
    def user(indptr, indices, weights):
        return shortest_paths(indptr, indices, weights, 0, 2)

    indptr = np.array([0, 1, 2, 2], np.int64)
    indices = np.array([1, 2], np.int64)
    np.testing.assert_array_equal(user(indptr, indices, np.array([3, 4])), [0, 3, 7])


def test_docstring_states_work_and_span():
    doc = shortest_paths.py_func.__doc__
    lines = [line.strip() for line in doc.splitlines()]
    assert any(line.startswith("Work:") for line in lines)
    assert any(line.startswith("Span:") for line in lines)
    assert "Args:" in doc and "Returns:" in doc
    assert paths.__doc__.strip().splitlines()[0].endswith(".")


def test_race_free():
    indptr, indices, weights = race_graph()
    report = check_function(shortest_paths, indptr, indices, weights, 0, threads=4)
    assert report.status == "clean", (report.status, report.reason, report.entries[:2])
