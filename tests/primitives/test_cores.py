"""Core numbers (primitives.core_numbers) against the serial bucket peeling of the suite's k-core
task, on graphs whose peeling takes every path of the primitive (sub-rounds peeled in parallel
and by one thread, level jumps, isolated vertices), at one and two threads; and the probe that
recognises core numbers by behaviour, told apart from lookalikes."""

from __future__ import annotations

import runpy

import numba
import numpy as np
import pytest

from parevo_lab import primitives as P
from parevo_lab.primitives import templates as T
from parevo_lab.suite import TASKS
from parevo_lab.suite.graphs import rmat

KCORE = runpy.run_path(str(TASKS / "irregular" / "kcore.py"))
serial = numba.njit(KCORE["reference"])  # Batagelj and Zaversnik's bucket peeling, compiled


def symmetric(n, src, dst):
    return P.csr_from_edges(np.int64(n), np.asarray(src, np.int64), np.asarray(dst, np.int64), True)


def graphs():
    rng = np.random.default_rng(3)
    yield "rmat, half isolated", rmat(20_000, 160_000, rng, 0.57, 0.19, 0.19)
    yield "rmat with a ring", KCORE["make_inputs"](5_000, np.random.default_rng(4))
    clique = [(u, v) for u in range(30) for v in range(u + 1, 30)]
    yield "a clique", symmetric(30, *zip(*clique, strict=True))
    yield "a path", symmetric(1000, np.arange(999), np.arange(1, 1000))
    yield "a star", symmetric(600, np.zeros(599), np.arange(1, 600))
    # one level peels 300 leaves hanging off 3 hubs (a triangle) among 20,000 vertices: few
    # neighbours for the vertex count, so they are sorted, each hub a run of 100
    leaves = np.arange(3, 303)
    hubs = (np.concatenate((leaves, [0, 1, 2])), np.concatenate((leaves % 3, [1, 2, 0])))
    yield "leaves on hubs", symmetric(20_000, *hubs)
    yield "no edges", symmetric(5, [], [])
    yield "no vertex", (np.zeros(1, np.int64), np.zeros(0, np.int64))


@pytest.mark.parametrize("threads", [1, 2])
def test_core_numbers_equal_the_serial_peeling(threads):
    numba.set_num_threads(threads)
    try:
        for name, (indptr, indices) in graphs():
            got = P.core_numbers(indptr, indices)
            assert got.dtype == np.int64, name
            np.testing.assert_array_equal(got, serial(indptr, indices), err_msg=name)
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    # the shapes whose numbers are known by heart
    found = dict(graphs())
    assert (P.core_numbers(*found["a clique"]) == 29).all()
    assert (P.core_numbers(*found["a path"]) == 1).all()
    assert (P.core_numbers(*found["a star"]) == 1).all()
    assert (P.core_numbers(*found["no edges"]) == 0).all()
    hubs = P.core_numbers(*found["leaves on hubs"])
    assert hubs[:3].tolist() == [2, 2, 2] and (hubs[3:303] == 1).all() and not hubs[303:].any()


def test_the_probe_knows_core_numbers_from_lookalikes():
    indptr, indices = KCORE["make_inputs"](300, np.random.default_rng(1))
    args = (indptr, indices)
    where = T.graph_inputs(args)
    cores = serial(indptr, indices)
    assert T.core_numbers_test(args, where, cores) == "exact"
    assert T.core_numbers_test(args, where, cores.astype(np.int32)) == "exact"
    assert T.core_numbers_test(args, where, np.diff(indptr)) is None  # degrees
    off = cores.copy()
    off[int(np.argmax(cores))] -= 1  # one vertex off by one
    assert T.core_numbers_test(args, where, off) is None
    assert T.core_numbers_test(args, where, cores.astype(np.float64)) is None  # not integers
    assert T.core_numbers_test(args, where, cores[:-1]) is None
    directed = {**where, "symmetric": False}
    assert T.core_numbers_test(args, directed, cores) is None
    # in the whole table only core numbers hold
    assert [m["template"] for m in T.matches([(args, cores)])[1]] == ["core numbers"]


def test_the_core_numbers_kernel_gives_what_the_test_accepted():
    indptr, indices = KCORE["make_inputs"](2_000, np.random.default_rng(2))
    want = serial(indptr, indices).astype(np.int32)
    where = T.graph_inputs((indptr, indices))
    source = T.by_name("core numbers").kernel(["ptr", "adj"], where, "exact", "int32")
    assert "P.core_numbers(ptr, adj)" in source
    space: dict = {}
    exec(compile(source, "<template>", "exec"), space)  # noqa: S102 - our own generated code
    got = space["kernel"](indptr, indices)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, want)
