"""list_rank against a plain-Python walk, on 1 and 2 threads, and under the race detector."""

import numba
import numpy as np
import pytest

from parevo_lab.cascade.races import check_function
from parevo_lab.primitives.lists import list_rank
from parevo_lab.suite.graphs import random_list


def ref_rank(next):
    """Walk each list from its head (a node no one points to) and count down to its tail."""
    next = [int(x) for x in next]
    n = len(next)
    pointed = [False] * n
    for t in next:
        if t >= 0:
            pointed[t] = True
    rank = [-1] * n
    for head in range(n):
        if pointed[head]:
            continue
        path = []
        v = head
        while v >= 0:
            path.append(v)
            v = next[v]
        for i, u in enumerate(path):
            rank[u] = len(path) - 1 - i
    assert min(rank, default=0) >= 0, "the test input is not a set of disjoint lists"
    return np.array(rank, np.int64)


def lists_of(lengths, rng):
    """Disjoint lists of the given lengths over one random permutation of the nodes."""
    n = int(sum(lengths))
    order = rng.permutation(n)
    next = np.full(n, -1, np.int64)
    start = 0
    for length in lengths:
        part = order[start : start + length]
        next[part[:-1]] = part[1:]
        start += length
    return next


def check(next):
    got = list_rank(next)
    assert got.dtype == np.int64 and got.shape == next.shape
    np.testing.assert_array_equal(got, ref_rank(next))
    return got


@pytest.mark.parametrize("n", [0, 1, 2, 3, 63, 64, 65, 1000, 100_000])
def test_random_list(n, threads):
    next = random_list(n, np.random.default_rng(n))
    assert next.dtype == np.int64 and next.shape == (n,)
    got = check(next)
    if n:
        np.testing.assert_array_equal(np.sort(got), np.arange(n))


@pytest.mark.parametrize("n", [1, 2, 65, 10_000])
def test_identity_order(n, threads):
    next = np.arange(1, n + 1, dtype=np.int64)
    next[-1] = -1
    np.testing.assert_array_equal(list_rank(next), np.arange(n - 1, -1, -1))


def test_empty_is_int64():
    got = list_rank(np.zeros(0, np.int64))
    assert got.dtype == np.int64 and got.shape == (0,)


@pytest.mark.parametrize(
    "lengths",
    [
        [1],
        [1, 1, 1, 1],
        [5, 1, 3, 1, 1, 200],
        [1000, 1, 64, 65, 2, 1, 7000, 3],
        [1] * 500 + [2] * 300 + [3000],
    ],
    ids=["one_node", "singletons", "small_mixed", "mixed", "many_short"],
)
def test_several_lists(lengths, threads):
    check(lists_of(lengths, np.random.default_rng(len(lengths))))


def test_many_random_lists(threads):
    rng = np.random.default_rng(11)
    lengths = np.minimum(rng.zipf(1.6, 400), 5000).tolist()
    check(lists_of(lengths, rng))


def test_every_node_its_own_list(threads):
    np.testing.assert_array_equal(list_rank(np.full(3000, -1, np.int64)), np.zeros(3000))


@pytest.mark.parametrize("n", [1, 64, 5000])
def test_int32_input(n, threads):
    next = random_list(n, np.random.default_rng(5))
    got = list_rank(next.astype(np.int32))
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, ref_rank(next))
    several = lists_of([n, 3, 1], np.random.default_rng(6))
    np.testing.assert_array_equal(list_rank(several.astype(np.int32)), ref_rank(several))


@pytest.mark.parametrize("value", [-2, 5, 6, -100, 2**40])
def test_out_of_range_raises(value):
    next = np.array([1, 2, 3, 4, -1], np.int64)
    next[2] = value
    with pytest.raises(ValueError):
        list_rank(next)


def test_out_of_range_int32_raises():
    with pytest.raises(ValueError):
        list_rank(np.array([1, 7, -1], np.int32))


@pytest.mark.parametrize(
    "next",
    [
        [0],  # a self-loop
        [1, 0],
        [1, 2, 0],
        [1, 2, 3, -1, 5, 6, 4],  # a list and a cycle
        [1, 2, -1, 4, 3],  # a list and a 2-cycle
    ],
)
def test_cycle_raises(next):
    with pytest.raises(ValueError, match="disjoint lists"):
        list_rank(np.array(next, np.int64))


def _random_order(n, rng):
    """A random order of n nodes and an empty successor array to link them in it."""
    return rng.permutation(n), np.empty(n, np.int64)


def test_long_cycle_without_head_raises():
    rng = np.random.default_rng(2)
    order, next = _random_order(10_000, rng)
    next[order] = np.roll(order, -1)
    with pytest.raises(ValueError, match="disjoint lists"):
        list_rank(next)
    # and beside a list: the heads' chains reach every node but the cycle's
    tail = random_list(5000, rng)
    both = np.concatenate((next, np.where(tail >= 0, tail + 10_000, -1)))
    with pytest.raises(ValueError, match="disjoint lists"):
        list_rank(both)


@pytest.mark.parametrize(
    "next",
    [
        [2, 2, -1],  # two lists merging
        [1, 2, 1],  # a tail that runs into a cycle (rho shape)
        [1, 2, 3, 1, -1],  # the same, with a spare single-node list
        [3, 3, 3, -1],
    ],
)
def test_two_predecessors_raises(next):
    with pytest.raises(ValueError, match="disjoint lists"):
        list_rank(np.array(next, np.int64))


def test_rho_shape_large_raises():
    # a long tail into a long cycle: no walk may loop forever
    order, next = _random_order(20_000, np.random.default_rng(4))
    next[order[:-1]] = order[1:]
    next[order[-1]] = order[10_000]
    with pytest.raises(ValueError, match="disjoint lists"):
        list_rank(next)


def test_same_result_for_every_thread_count():
    rng = np.random.default_rng(9)
    inputs = [random_list(200_000, rng), lists_of([70_000, 1, 1, 30_000, 999], rng)]
    saved = numba.get_num_threads()
    try:
        for next in inputs:
            results = []
            for t in range(1, numba.config.NUMBA_NUM_THREADS + 1):
                numba.set_num_threads(t)
                results.append(list_rank(next))
            for got in results[1:]:
                np.testing.assert_array_equal(got, results[0])
            np.testing.assert_array_equal(results[0], ref_rank(next))
    finally:
        numba.set_num_threads(saved)


def test_docstring_states_work_and_span():
    lines = [line.strip() for line in list_rank.py_func.__doc__.splitlines()]
    assert any(line.startswith("Work:") for line in lines)
    assert any(line.startswith("Span:") for line in lines)


@pytest.mark.parametrize("several", [False, True], ids=["one_list", "several_lists"])
def test_race_free(several):
    rng = np.random.default_rng(7)
    if several:
        next = lists_of([20_000, 1, 1, 5000, 24_998], rng)
    else:
        next = random_list(50_000, rng)
    report = check_function(list_rank, next, threads=4)
    assert report.status == "clean", (report.status, report.reason, report.entries[:2])
