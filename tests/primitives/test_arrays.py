"""Array primitives against numpy or a sequential reference, on 1 and 2 threads."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from parevo_lab.primitives import (
    ADD,
    MAX,
    MIN,
    argmax,
    argmin,
    argsort_floats,
    bincount_weights,
    exclusive_scan,
    group_by_key,
    histogram,
    inclusive_scan,
    kth_smallest,
    merge,
    pack,
    pack_index,
    radix_sort,
    random_permutation,
    reduce_max,
    reduce_min,
    reduce_sum,
    segment_ids,
    segmented_reduce,
    sort_floats,
    unique,
)

N = 50_000  # above one block (4096), so several blocks run
SHAPES = ["random", "empty", "one", "equal", "zipf"]


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"], autouse=True)
def threads(request):
    saved = numba.get_num_threads()
    numba.set_num_threads(min(request.param, numba.config.NUMBA_NUM_THREADS))
    yield request.param
    numba.set_num_threads(saved)


def ints(shape, n=N, high=1000, seed=0):
    """Non-negative int64 keys below `high` of the named shape."""
    rng = np.random.default_rng(seed)
    if shape == "empty":
        return np.empty(0, np.int64)
    if shape == "one":
        return np.array([high // 2], np.int64)
    if shape == "equal":
        return np.full(n, 7 % high, np.int64)
    if shape == "zipf":
        return (rng.zipf(1.3, n) - 1) % high
    return rng.integers(0, high, n)


def floats(shape, n=N, seed=0):
    return ints(shape, n, 10**6, seed).astype(np.float64) / 1000.0 - 300.0


def identity(dtype, op):
    if op == ADD:
        return 0
    if dtype.kind == "i":
        info = np.iinfo(dtype)
        return info.min if op == MAX else info.max
    return -np.inf if op == MAX else np.inf


def expected_reduce(offsets, values, op):
    fold = {ADD: np.sum, MAX: np.max, MIN: np.min}[op]
    out = [
        fold(values[lo:hi]) if hi > lo else identity(values.dtype, op)
        for lo, hi in zip(offsets[:-1], offsets[1:], strict=True)
    ]
    return np.array(out, values.dtype)


@pytest.mark.parametrize("shape", SHAPES)
def test_reductions(shape):
    for x in (ints(shape) - 500, floats(shape)):
        assert reduce_sum(x) == pytest.approx(x.sum())
        if len(x) == 0:
            for f in (reduce_min, reduce_max, argmin, argmax):
                with pytest.raises(ValueError):
                    f(x)
            continue
        assert reduce_min(x) == x.min() and reduce_max(x) == x.max()
        assert argmin(x) == np.argmin(x) and argmax(x) == np.argmax(x)


def test_arg_first_index_on_ties_across_blocks():
    x = np.zeros(3 * N, np.int64)
    x[[5000, 20000, 90000]] = -1
    assert argmin(x) == 5000
    assert argmax(-x) == 5000


@pytest.mark.parametrize("shape", SHAPES)
def test_scans(shape):
    for x in (ints(shape) - 500, floats(shape)):
        for op, ref in (
            (ADD, np.cumsum),
            (MAX, np.maximum.accumulate),
            (MIN, np.minimum.accumulate),
        ):
            inc = inclusive_scan(x, op)
            exc = exclusive_scan(x, op)
            assert inc.dtype == x.dtype and exc.dtype == x.dtype
            np.testing.assert_allclose(inc, ref(x) if len(x) else x)
            np.testing.assert_allclose(exc[1:], inc[:-1])
            if len(x):
                assert exc[0] == identity(x.dtype, op)
    with pytest.raises(ValueError):
        inclusive_scan(ints("random"), 7)


@pytest.mark.parametrize("shape", SHAPES)
def test_pack(shape):
    x = ints(shape)
    for flags in (x % 3 == 0, np.zeros(len(x), np.bool_), np.ones(len(x), np.bool_)):
        np.testing.assert_array_equal(pack(x, flags), x[flags])
        np.testing.assert_array_equal(pack_index(flags), np.flatnonzero(flags))
    with pytest.raises(ValueError):
        pack(np.arange(3), np.ones(2, np.bool_))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("n_bins", [1000, 100_000])
def test_histogram(shape, n_bins):
    keys = ints(shape, high=min(n_bins, 1000))
    np.testing.assert_array_equal(histogram(keys, n_bins), np.bincount(keys, minlength=n_bins))
    w = np.linspace(0.0, 1.0, len(keys))
    np.testing.assert_allclose(bincount_weights(keys, w, n_bins), np.bincount(keys, w, n_bins))


def test_histogram_rejects_out_of_range():
    with pytest.raises(ValueError):
        histogram(np.array([0, 5]), 5)
    with pytest.raises(ValueError):
        histogram(np.array([-1]), 5)


@pytest.mark.parametrize("shape", SHAPES)
def test_segments(shape):
    lengths = ints(shape, n=2000, high=300)
    lengths[::5] = 0  # empty segments
    offsets = np.zeros(len(lengths) + 1, np.int64)
    offsets[1:] = np.cumsum(lengths)
    np.testing.assert_array_equal(segment_ids(offsets), np.repeat(np.arange(len(lengths)), lengths))
    for values in (ints("random", n=offsets[-1]) - 500, floats("random", n=offsets[-1])):
        for op in (ADD, MAX, MIN):
            got = segmented_reduce(offsets, values, op)
            np.testing.assert_allclose(got, expected_reduce(offsets, values, op))
    with pytest.raises(ValueError):
        segmented_reduce(np.array([0, 3]), np.zeros(2), ADD)


def test_segments_spanning_many_blocks():
    # one segment across several blocks, empty segments at both ends and at a block edge
    lengths = np.array([0, 3, 3 * N, 0, 4096 - 3, 1, 2 * N, 0, 0], np.int64)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    np.testing.assert_array_equal(segment_ids(offsets), np.repeat(np.arange(len(lengths)), lengths))
    for values in (ints("random", n=offsets[-1]) - 500, floats("random", n=offsets[-1])):
        for op in (ADD, MAX, MIN):
            got = segmented_reduce(offsets, values, op)
            np.testing.assert_allclose(got, expected_reduce(offsets, values, op))


@pytest.mark.parametrize("shape", SHAPES)
def test_radix_sort(shape):
    for high in (1000, 2**62):
        keys = ints(shape, high=high)
        got, order = radix_sort(keys)
        np.testing.assert_array_equal(order, np.argsort(keys, kind="stable"))
        np.testing.assert_array_equal(got, np.sort(keys))
    with pytest.raises(ValueError):
        radix_sort(np.array([3, -1]))


@pytest.mark.parametrize("shape", SHAPES)
def test_kth_smallest_is_the_sorted_element_of_that_rank(shape):
    for keys in (ints(shape), ints(shape, high=2**62) - 2**61, ints(shape).astype(np.int32)):
        ordered = np.sort(keys)
        n = keys.shape[0]
        for rank in sorted({0, 1, n // 3, n // 2, n - 2, n - 1} & set(range(n))):
            assert kth_smallest(keys, rank) == ordered[rank], (keys.dtype, rank)
        with pytest.raises(ValueError):
            kth_smallest(keys, n)
        with pytest.raises(ValueError):
            kth_smallest(keys, -1)
    x = floats(shape)
    ordered = np.sort(x)
    for rank in sorted({0, x.shape[0] // 2, x.shape[0] - 1} & set(range(x.shape[0]))):
        assert kth_smallest(x, rank) == ordered[rank]


def test_kth_smallest_extremes_and_special_floats():
    info = np.iinfo(np.int64)
    extremes = np.array([info.max, 0, info.min, -1, info.max, 1], np.int64)
    assert [kth_smallest(extremes, r) for r in range(6)] == sorted(extremes.tolist())
    y = np.random.default_rng(3).standard_normal(N + 17).astype(np.float32)
    y[::97] = np.nan
    y[5], y[6], y[7], y[8] = -0.0, 0.0, -np.inf, np.inf
    ordered = np.sort(y)  # NaNs last
    for rank in [0, 1, 2, 100, N // 2, N - 600, N - 500, N + 16]:
        got, want = kth_smallest(y, rank), ordered[rank]
        assert got == want or (np.isnan(got) and np.isnan(want)), (rank, got, want)
    zeros = np.array([0.0, -0.0, 1.0, -1.0])
    assert kth_smallest(zeros, 1) == 0.0 and kth_smallest(zeros, 2) == 0.0


@pytest.mark.parametrize("shape", SHAPES)
def test_sort_floats(shape):
    x = floats(shape)
    np.testing.assert_array_equal(sort_floats(x), np.sort(x))
    y = np.random.default_rng(1).standard_normal(N + 17)
    y[::97] = np.nan
    np.testing.assert_array_equal(sort_floats(y), np.sort(y))


@pytest.mark.parametrize("shape", SHAPES)
def test_argsort_floats_is_numpys_stable_order(shape):
    x = floats(shape)
    np.testing.assert_array_equal(argsort_floats(x), np.argsort(x, kind="stable"))
    rounded = np.round(np.random.default_rng(2).standard_normal(N + 17), 1)  # many ties
    rounded[::97] = np.nan
    np.testing.assert_array_equal(argsort_floats(rounded), np.argsort(rounded, kind="stable"))


@pytest.mark.parametrize("shape", SHAPES)
def test_group_by_key(shape):
    keys = ints(shape, high=500)
    offsets, order = group_by_key(keys, 500)
    np.testing.assert_array_equal(offsets[1:], np.cumsum(np.bincount(keys, minlength=500)))
    assert offsets[0] == 0
    np.testing.assert_array_equal(order, np.argsort(keys, kind="stable"))
    with pytest.raises(ValueError):
        group_by_key(np.array([500]), 500)


@pytest.mark.parametrize("shape", SHAPES)
def test_unique(shape):
    x = ints(shape) - 500
    np.testing.assert_array_equal(unique(x), np.unique(x))
    wide = np.array([np.iinfo(np.int64).max, np.iinfo(np.int64).min, 0, -1, 0], np.int64)
    np.testing.assert_array_equal(unique(wide), np.unique(wide))


@pytest.mark.parametrize("n", [0, 1, 1000, N])
def test_random_permutation(n, threads):
    p = random_permutation(n, 42)
    np.testing.assert_array_equal(np.sort(p), np.arange(n))
    numba.set_num_threads(1)
    np.testing.assert_array_equal(random_permutation(n, 42), p)  # same on any thread count
    if n >= 1000:
        assert not np.array_equal(random_permutation(n, 43), p)
        assert not np.array_equal(p, np.arange(n))


def test_random_permutation_is_roughly_uniform():
    # where element 0 lands, over many seeds: about uniform over 4 quarters of 2048 positions
    spots = np.array([random_permutation(2048, s)[0] for s in range(400)]) // 512
    assert np.bincount(spots, minlength=4).min() > 60


@pytest.mark.parametrize("shape", SHAPES)
def test_merge(shape):
    a = np.sort(ints(shape, seed=1))
    b = np.sort(ints(shape, n=N // 3, seed=2))
    np.testing.assert_array_equal(merge(a, b), np.sort(np.concatenate((a, b)), kind="stable"))
    np.testing.assert_array_equal(merge(a, b[:0]), a)
    fa, fb = np.sort(floats(shape, seed=1)), np.sort(floats("random", seed=3))
    np.testing.assert_array_equal(merge(fa, fb), np.sort(np.concatenate((fa, fb))))


def test_sort_floats_special_values():
    x = np.array([np.inf, -0.0, np.nan, 1.5, -np.inf, 0.0, -2.0, np.nan, -0.0])
    np.testing.assert_array_equal(sort_floats(x), np.sort(x))
    np.testing.assert_array_equal(sort_floats(np.array([3, 1, 2])), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(argsort_floats(x), np.argsort(x, kind="stable"))
    assert argsort_floats(np.array([3, 1, 2])).tolist() == [1, 2, 0]


def test_callable_from_user_njit_code():
    @numba.njit
    def user(x):
        keys, order = radix_sort(x)
        return inclusive_scan(keys, ADD)[-1], order[0], histogram(x, 1000).sum()

    x = ints("random")
    total, first, counted = user(x)
    assert total == x.sum() and first == np.argsort(x, kind="stable")[0] and counted == len(x)


def test_reductions_other_layouts_and_dtypes():
    x = floats("random")
    for y in (x[::3], (x * 100).astype(np.int64)[::2]):  # strided: the generic loops
        assert reduce_min(y) == y.min() and reduce_max(y) == y.max()
        assert argmin(y) == np.argmin(y) and argmax(y) == np.argmax(y)
    signed_zeros = np.array([1.0, 0.0, -0.0, 0.0, 2.0])
    assert argmin(signed_zeros) == 1 and reduce_min(signed_zeros) == 0.0
    assert reduce_max(np.array([-np.inf, -5.0])) == -5.0


def test_argmin_argmax_find_the_first_extreme_across_chunks():
    # the extreme recurs in a later chunk and a later block: the first occurrence wins
    x = np.ones(200_000)
    x[[70_000, 3_000, 150_000]] = -5.0
    assert argmin(x) == 3_000
    x[:] = 0.0
    x[[5_000, 4_097]] = -0.0  # -0.0 == 0.0, as np.argmin sees them
    assert argmin(x) == np.argmin(x) == 0
    assert argmax(-x) == np.argmax(-x) == 0


@pytest.mark.parametrize("shape", [0, 1, 5, (3, 4), 1 << 20])
def test_allocation_helpers_match_numpy(shape):
    # the huge-page hint applies from 4 MiB: 1 << 20 float64 values are 8 MiB
    from parevo_lab.primitives import _util

    e = _util.empty(shape, np.float64)
    assert e.shape == np.empty(shape).shape and e.dtype == np.float64
    np.testing.assert_array_equal(_util.zeros(shape, np.int64), np.zeros(shape, np.int64))
    np.testing.assert_array_equal(_util.full(shape, 7, np.int8), np.full(shape, 7, np.int8))
    x = np.arange(np.prod(shape), dtype=np.float64)
    np.testing.assert_array_equal(_util.copy(x), x)
