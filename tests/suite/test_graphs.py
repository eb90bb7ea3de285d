"""The irregular suite's graph generators: CSR shape, symmetry, no loops or duplicates, seeds."""

import numpy as np
import pytest

from parevo_lab.suite import graphs

EDGE_SIZES = (0, 1, 2, 3, 5, 8, 17)


def _rows(indptr):
    return np.repeat(np.arange(indptr.shape[0] - 1), np.diff(indptr))


def _assert_csr(indptr, indices, n, symmetric=True):
    assert indptr.dtype == np.int64 and indices.dtype == np.int64
    assert indptr.shape == (n + 1,) and indptr[0] == 0 and indptr[-1] == indices.shape[0]
    assert np.all(np.diff(indptr) >= 0)
    src = _rows(indptr)
    assert np.all((indices >= 0) & (indices < max(n, 1)))
    assert not np.any(src == indices), "self-loop"
    same_row = src[1:] == src[:-1]
    assert np.all(indices[1:][same_row] > indices[:-1][same_row]), "rows unsorted or duplicated"
    if symmetric:
        forward = np.sort(src * max(n, 1) + indices)
        backward = np.sort(indices * max(n, 1) + src)
        assert np.array_equal(forward, backward), "not symmetric"


GENERATORS = {
    "rmat": lambda n, rng: graphs.rmat(n, 8 * n, rng),
    "rmat_directed": lambda n, rng: graphs.rmat(n, 8 * n, rng, symmetric=False),
    "random_local": lambda n, rng: graphs.random_local(n, 4, rng),
}


@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("n", [*EDGE_SIZES, 1000])
def test_random_graphs_are_valid_csr(name, n):
    indptr, indices = GENERATORS[name](n, np.random.default_rng(0))
    _assert_csr(indptr, indices, n, symmetric=name != "rmat_directed")


@pytest.mark.parametrize("name", list(GENERATORS))
def test_same_seed_same_graph(name):
    a = GENERATORS[name](500, np.random.default_rng(3))
    b = GENERATORS[name](500, np.random.default_rng(3))
    c = GENERATORS[name](500, np.random.default_rng(4))
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])


def _skew(degree):
    """(max / mean degree, share of the entries held by the top 1% of vertices)"""
    top = np.sort(degree)[::-1][: degree.shape[0] // 100]
    return degree.max() / degree.mean(), top.sum() / degree.sum()


def test_rmat_degrees_are_skewed():
    n = 1 << 14
    uniform = _skew(np.diff(graphs.rmat(n, 8 * n, np.random.default_rng(1), 0.25, 0.25, 0.25)[0]))
    pbbs = _skew(np.diff(graphs.rmat(n, 8 * n, np.random.default_rng(1))[0]))
    graph500 = _skew(np.diff(graphs.rmat(n, 8 * n, np.random.default_rng(1), 0.57, 0.19, 0.19)[0]))
    assert uniform[0] < 3 and uniform[1] < 0.025
    assert pbbs[0] > 2 * uniform[0] and pbbs[1] > 2 * uniform[1]
    assert graph500[0] > 10 * pbbs[0] and graph500[1] > 0.2


def test_rmat_edge_count_near_m():
    n = 1 << 12
    indptr, _ = graphs.rmat(n, 8 * n, np.random.default_rng(2))
    assert 0.7 * 16 * n < indptr[-1] <= 16 * n  # duplicates dropped, both directions stored


def test_random_local_neighbours_are_near():
    n = 1 << 14
    indptr, indices = graphs.random_local(n, 5, np.random.default_rng(5))
    gap = np.abs(_rows(indptr) - indices)
    gap = np.minimum(gap, n - gap)  # distance around the ring
    assert np.median(gap) < np.sqrt(n)
    assert 8 * n < indptr[-1] <= 10 * n


@pytest.mark.parametrize("side", [0, 1, 2, 3, 5])
@pytest.mark.parametrize("torus", [True, False])
def test_grid3d(side, torus):
    indptr, indices = graphs.grid3d(side, torus=torus)
    n = side**3
    _assert_csr(indptr, indices, n)
    degree = np.diff(indptr)
    if side >= 3 and torus:
        assert np.all(degree == 6)
    if side >= 3 and not torus:
        assert degree.max() == 6 and degree.min() == 3
    if side == 5:
        assert set(indices[indptr[0] : indptr[1]]) == (
            {1, 5, 25, 4, 20, 100} if torus else {1, 5, 25}
        )


@pytest.mark.parametrize("n", [*EDGE_SIZES, 300])
def test_edge_weights_symmetric_in_range(n):
    rng = np.random.default_rng(6)
    indptr, indices = graphs.rmat(n, 8 * n, rng)
    weights = graphs.edge_weights(indptr, indices, rng, max_weight=20)
    assert weights.dtype == np.int64 and weights.shape == indices.shape
    if n:
        src = _rows(indptr)
        pairs = zip(src.tolist(), indices.tolist(), strict=True)
        forward = dict(zip(pairs, weights.tolist(), strict=True))
        assert all(forward[(v, u)] == w for (u, v), w in forward.items())
    if n == 300:
        assert weights.min() == 1 and weights.max() == 20


@pytest.mark.parametrize("n", [*EDGE_SIZES, 1000])
def test_random_list_is_one_chain(n):
    nxt = graphs.random_list(n, np.random.default_rng(8))
    assert nxt.dtype == np.int64 and nxt.shape == (n,)
    if n == 0:
        return
    assert np.count_nonzero(nxt == -1) == 1
    pointed = nxt[nxt >= 0]
    assert np.unique(pointed).shape[0] == n - 1  # every node but the head has one predecessor
    head = np.setdiff1d(np.arange(n), pointed)[0]
    seen, v = 0, head
    while v != -1:
        seen, v = seen + 1, nxt[v]
    assert seen == n
    assert np.array_equal(nxt, graphs.random_list(n, np.random.default_rng(8)))
