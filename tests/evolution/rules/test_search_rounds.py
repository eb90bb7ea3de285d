"""The search strategy's rounds of parallel blocks: the rendered kernel, compiled by numba, finds
the first exit of an upward and of a downward loop wherever it lies (at a block's or a round's
edges, in a later round, with later exits in the same block and in later blocks of the same
round, nowhere), and counts each block's exits in a loop LLVM vectorises."""

import textwrap

import numpy as np
import pytest

from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.evolution.rules.analysis import analyse, function_source
from parevo_lab.evolution.rules.transforms import Plan, render
from parevo_lab.evolution.rules.transforms.search import BLOCK, FIRST_ROUND, LARGEST_ROUND
from parevo_lab.kernel import Kernel
from parevo_lab.task import load_task

TASK = """
import numpy as np

SIZES = {"check": 2000, "bench": 4000}


def make_inputs(size, rng):
    x = rng.integers(0, 1000, size) * 2 + 1
    if size:
        x[rng.integers(0, size, int(rng.integers(0, 3)))] = 0
    return (x,)


def reference(x):
    first = -1
    for i in range(x.shape[0]):
        if x[i] % 2 == 0:
            first = i
            break
    for i in range(x.shape[0] - 1, -1, -1):
        if x[i] == 0:
            return first, i
    return first, -1
"""

N = 2 * FIRST_ROUND + 3 * FIRST_ROUND // 2  # three rounds: FIRST_ROUND, then twice that, then less
EDGES = [0, 1, BLOCK - 1, BLOCK, 3 * BLOCK + 7, FIRST_ROUND - 1, FIRST_ROUND, FIRST_ROUND + BLOCK]
EDGES += [3 * FIRST_ROUND - 1, 3 * FIRST_ROUND, N - BLOCK, N - 1]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """The rendered kernel with both loops searched, compiled here (our own transform's code)."""
    path = tmp_path_factory.mktemp("search") / "task.py"
    path.write_text(textwrap.dedent(TASK))
    task = load_task(path)
    analysis = analyse(function_source(task.source, "reference"))
    assert [f.strategies() for f in analysis.loops.values()] == [["search"], ["search"]]
    source = render(task.source, Plan(dict.fromkeys(analysis.loops, "search")))
    assert source.count("numba.prange(") == 2
    namespace: dict = {}
    exec(compile(source, str(path.with_name("candidate.py")), "exec"), namespace)
    return task, source, namespace["kernel"]


def expected(x):
    even = np.flatnonzero(x % 2 == 0)
    zero = np.flatnonzero(x == 0)
    return (int(even[0]) if even.size else -1, int(zero[-1]) if zero.size else -1)


def test_the_first_exit_is_found_wherever_it_lies(kernel):
    _, _, fn = kernel
    assert LARGEST_ROUND % BLOCK == 0 and FIRST_ROUND % BLOCK == 0
    base = np.full(N, 7, np.int64)
    assert tuple(fn(base)) == (-1, -1)  # no exit: both loops run to their end
    assert tuple(fn(base[:0])) == (-1, -1)
    for at in EDGES:
        for later in (None, at + 1, at + BLOCK, at + FIRST_ROUND):
            x = base.copy()
            x[at] = 0
            if later is not None and later < N:
                x[later] = 0  # a later exit: the loop upwards must still take the first
            assert tuple(fn(x)) == expected(x), (at, later)
            y = base.copy()  # the loop downwards: its first exit is the highest index
            y[N - 1 - at] = 0
            if later is not None and later < N:
                y[N - 1 - later] = 0
            assert tuple(fn(y)) == expected(y), (at, later)
    x = base.copy()
    x[[5, FIRST_ROUND + 9]] = 2  # even, not zero: only the loop upwards exits on them
    assert tuple(fn(x)) == (5, -1)


def test_the_searched_kernel_is_ok_and_race_free_in_the_cascade(kernel):
    task, source, _ = kernel
    options = CheckOptions(threads=[1, 2], profile=False, timeout_s=120)
    report = evaluate(task, Kernel(source=source), options)
    assert report.verdict == "ok", report.summary
    assert report.races.status == "clean"
    assert report.compiled is not None
    inner = [loop for loop in report.compiled.loops if loop.origin == "loop"]
    counted = [loop for loop in inner if loop.status == "vectorised"]
    assert len(counted) == 2, [loop.summary for loop in inner]  # each loop's counting pass
