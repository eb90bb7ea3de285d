"""Every transformation of the rule-based paralleliser, rendered and judged by the full cascade
(compile, verify, race detector) in the sandbox: each must give an `ok` kernel."""

import textwrap

import pytest

from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.evolution.rules.analysis import analyse, function_source
from parevo_lab.evolution.rules.transforms import Plan, render
from parevo_lab.kernel import Kernel
from parevo_lab.task import load_task

HEADER = """
import math

import numpy as np

SIZES = {"check": 300, "bench": 1000}
"""

# a two-cursor merge of a and b (sorted or not: the merge move trusts that they are)
MERGE = """
def reference(a, b):
    out = np.empty(a.shape[0] + b.shape[0], np.int64)
    na = a.shape[0]
    nb = b.shape[0]
    i = 0
    j = 0
    while i < na or j < nb:
        if j == nb or (i < na and a[i] <= b[j]):
            out[i + j] = a[i]
            i += 1
        else:
            out[i + j] = b[j]
            j += 1
    return out
"""

TASKS = {
    "reductions": """
def make_inputs(size, rng):
    return (rng.uniform(-1.0, 1.0, size),)


def reference(x):
    total = 0.0
    top = -10.0
    for i in range(x.shape[0]):
        v = x[i] * x[i]
        total += v
        top = max(top, v)
    return total, top
""",
    "histogram": """
def make_inputs(size, rng):
    return rng.integers(0, 40, size), rng.uniform(0.0, 1.0, size)


def reference(keys, weights):
    counts = np.zeros(40, np.int64)
    for i in range(keys.shape[0]):
        counts[keys[i]] += 1
    sums = np.zeros(40)
    for i in range(keys.shape[0]):
        sums[keys[i]] += weights[i]
    return counts, sums
""",
    "xor": """
def make_inputs(size, rng):
    return (rng.random(size) < 0.5,)


def reference(x):
    odd = False
    for i in range(x.shape[0]):
        odd ^= x[i]
    return odd
""",
    "scans": """
def make_inputs(size, rng):
    return (rng.uniform(-5.0, 5.0, size),)


def reference(x):
    out = np.empty(x.shape[0])
    total = 1.5
    for i in range(x.shape[0]):
        total += x[i]
        out[i] = total
    low = np.empty(x.shape[0])
    smallest = 0.0
    for i in range(x.shape[0]):
        low[i] = smallest
        smallest = min(smallest, x[i])
    return out, low, total
""",
    "pack": """
def make_inputs(size, rng):
    return (rng.integers(-50, 50, size),)


def reference(x):
    out = np.empty(x.shape[0], np.int64)
    k = 0
    for i in range(x.shape[0]):
        v = x[i] * 3
        if v % 2 == 0:
            out[k] = v
            k += 1
    return out[:k]
""",
    "in_place": """
def make_inputs(size, rng):
    return (rng.uniform(0.0, 1.0, size),)


def reference(x):
    for i in range(x.shape[0] - 1):
        x[i] = 0.5 * (x[i] + x[i + 1])
""",
    "searches": """
def make_inputs(size, rng):
    x = rng.integers(0, 1000, size)
    return x, int(rng.integers(0, 1000))


def reference(x, target):
    first = -1
    for i in range(x.shape[0]):
        if x[i] == target:
            first = i
            break
    for i in range(x.shape[0] - 1, -1, -1):
        if x[i] % 7 == 3:
            return first, i
    return first, -1
""",
    "argmin": """
def make_inputs(size, rng):
    return (rng.integers(-20, 20, size).astype(np.float64),)


def reference(x):
    best = -1
    best_distance = math.inf
    for i in range(x.shape[0]):
        distance = abs(x[i] - math.pi)
        if distance < best_distance:
            best_distance = distance
            best = i
    return best
""",
    "fission": """
def make_inputs(size, rng):
    return (rng.uniform(0.0, 4.0, size),)


def reference(x):
    y = np.empty(x.shape[0])
    state = 0.0
    for i in range(x.shape[0]):
        t = math.sqrt(x[i]) * 3.0
        y[i] = t
        state = state * 0.5 + t
        x[i] = state
    return y, state
""",
    "scatter": """
def make_inputs(size, rng):
    return (rng.permutation(size),)


def reference(order):
    ranks = np.empty(order.shape[0], np.int64)
    for i in range(order.shape[0]):
        ranks[order[i]] = i
    return ranks
""",
    "butterflies": """
def make_inputs(size, rng):
    return (rng.random(1 << max(1, int(size).bit_length() - 1)),)


def reference(x):
    n = x.shape[0]
    length = 2
    while length <= n:
        half = length // 2
        for start in range(0, n, length):
            for k in range(half):
                u = x[start + k]
                v = x[start + k + half]
                x[start + k] = u + v
                x[start + k + half] = u - v
        length *= 2
    return x
""",
    "overlapping_strides": """
def make_inputs(size, rng):
    return (rng.random(size + 8),)


def reference(x):
    n = x.shape[0]
    for start in range(0, n - 8, 4):
        for k in range(4):
            x[start + k + 4] += x[start + k]
    return x
""",
    "merge": """
def make_inputs(size, rng):
    a = np.sort(rng.integers(0, max(size // 4, 1), size))
    return a, np.sort(rng.integers(0, max(size // 4, 1), size // 2))
"""
    + MERGE,
    "unsorted_merge": """
def make_inputs(size, rng):
    return rng.integers(0, max(size // 4, 1), size), rng.integers(0, max(size // 4, 1), size // 2)
"""
    + MERGE,
}

CASES = [
    ("reductions", "prange"),
    ("reductions", "blocks"),
    ("histogram", "privatise"),
    ("histogram", "primitive"),
    ("xor", "blocks"),
    ("scans", "scan"),
    ("scans", "primitive"),
    ("pack", "scan"),
    ("pack", "primitive"),
    ("in_place", "double_buffer"),
    ("searches", "search"),
    ("argmin", "select"),
    ("fission", "fission"),
    ("scatter", "prange"),
    ("butterflies", "prange"),
    ("merge", "merge"),
]

OPTIONS = CheckOptions(threads=[1, 2], profile=False, timeout_s=60)
_seed_types: dict[str, dict] = {}


@pytest.fixture()
def task_file(tmp_path):
    def write(name):
        path = tmp_path / f"{name}.py"
        path.write_text(HEADER + textwrap.dedent(TASKS[name]))
        return load_task(path)

    return write


def variables(task) -> dict:
    """The reference's local types, as the engine gets them: from the seed's evaluation."""
    if task.hash not in _seed_types:
        report = evaluate(task, Kernel(source=render(task.source, Plan())), OPTIONS)
        assert report.verdict == "ok", report.summary
        _seed_types[task.hash] = report.compile.variables
    return _seed_types[task.hash]


@pytest.mark.parametrize(("name", "strategy"), CASES)
def test_each_strategy_gives_a_correct_race_free_kernel(task_file, name, strategy):
    task = task_file(name)
    analysis = analyse(function_source(task.source, "reference"))
    loops = {i: f for i, f in analysis.loops.items() if strategy in f.strategies()}
    assert loops, f"no loop of {name} offers {strategy}"
    source = render(task.source, Plan(dict.fromkeys(loops, strategy)), variables(task))
    report = evaluate(task, Kernel(source=source), OPTIONS)
    assert report.verdict == "ok", f"{report.summary}\n{source}"
    assert report.races.status == "clean"
    parallel = [loop for loop in report.compile.loops if loop.status in ("parallel", "fused")]
    assert parallel, "numba made no loop parallel"


def test_a_stride_loop_that_reaches_into_the_next_block_is_proposed_and_rejected(task_file):
    """The stride move trusts that each iteration stays in its own block (an FFT stage does);
    one that writes the next block is still proposed, and the cascade says no."""
    task = task_file("overlapping_strides")
    analysis = analyse(function_source(task.source, "reference"))
    (loop,) = [f for f in analysis.loops.values() if f.var == "start"]
    assert loop.strided == ["x"] and loop.strategies() == ["prange"]
    source = render(task.source, Plan({loop.id: "prange"}), variables(task))
    assert "numba.prange(len(range(" in source
    report = evaluate(task, Kernel(source=source), OPTIONS)
    assert report.verdict in ("race", "wrong"), report.summary


def test_a_merge_of_unsorted_arrays_is_proposed_and_rejected(task_file):
    """The merge split trusts that both arrays are sorted: on unsorted ones the parts' ranges
    are wrong, and the cascade says so."""
    task = task_file("unsorted_merge")
    analysis = analyse(function_source(task.source, "reference"))
    (loop,) = analysis.loops.values()
    assert loop.strategies() == ["merge"] and loop.merge["a"] == "a"
    source = render(task.source, Plan({loop.id: "merge"}), variables(task))
    report = evaluate(task, Kernel(source=source), OPTIONS)
    assert report.verdict in ("race", "wrong", "runtime_error"), report.summary


CSR_ROWS = """
from parevo_lab.suite.graphs import rmat


def make_inputs(size, rng):
    indptr, indices = rmat(size, 8 * size, rng, 0.57, 0.19, 0.19)
    return indptr, indices, rng.random(size)


def reference(indptr, indices, x):
    n = indptr.shape[0] - 1
    y = np.zeros(n)
    total = 0.0
    for v in range(n):
        start = indptr[v]
        stop = indptr[v + 1]
        acc = 0.0
        for j in range(start, stop):
            acc += x[indices[j]]
        y[v] = acc
        total += acc
    return y, total
"""


def test_a_csr_row_loop_balanced_by_edges_is_correct_and_race_free(tmp_path):
    from parevo_lab.evolution.rules.transforms import row_pointer

    path = tmp_path / "rows.py"
    path.write_text(HEADER + CSR_ROWS)
    task = load_task(path)
    analysis = analyse(function_source(task.source, "reference"))
    (loop_id,) = [i for i, f in analysis.loops.items() if f.var == "v"]
    assert row_pointer(analysis.loop_node(loop_id)) == "indptr"  # through start/stop
    inner = next(i for i, f in analysis.loops.items() if f.var == "j")
    assert row_pointer(analysis.loop_node(inner)) is None  # its rows are not its own loop's
    plan = Plan({loop_id: "prange"}, {"balance": [loop_id]})
    source = render(task.source, plan, variables(task))
    assert "from parevo_lab.primitives import balanced_bounds" in source
    assert "for run in numba.prange(run_bounds.shape[0] - 1):" in source
    report = evaluate(task, Kernel(source=source), OPTIONS)
    assert report.verdict == "ok", f"{report.summary}\n{source}"
    assert report.races.status == "clean"


def test_a_correct_parallel_csr_loop_is_offered_the_edge_balanced_schedule(tmp_path):
    import random

    from parevo_lab.evolution.generators.base import Candidate, Context
    from parevo_lab.evolution.rules.generator import RulesGenerator

    path = tmp_path / "rows.py"
    path.write_text(HEADER + CSR_ROWS)
    task = load_task(path)
    generator = RulesGenerator()
    (loop_id,) = [i for i, f in generator.analysis(task).loops.items() if f.var == "v"]
    plan = Plan({loop_id: "prange"})
    parent = Candidate(1, None, "rules", "p", "src", genome=plan.to_dict(), verdict="ok")
    context = Context(task, [parent], random.Random(0), {"y": "array(float64, 1d, C)"})
    labels = {p.label: p for p in generator.propose(parent, context)}
    balance = next(p for label, p in labels.items() if label.startswith(f"balance loop {loop_id}"))
    assert balance.genome["knobs"]["balance"] == [loop_id]
    # balanced already: not offered again
    parent.genome = Plan({loop_id: "prange"}, {"balance": [loop_id]}).to_dict()
    assert not any(p.label.startswith("balance") for p in generator.propose(parent, context))


def test_a_row_loop_of_a_serial_loop_is_never_made_parallel():
    """MIS's 0.05x candidate: the greedy loop carries state, its row loop alone would fork and
    join the threads once per vertex; neither auto-parallelising nor a single move offers it."""
    import random

    from parevo_lab import suite
    from parevo_lab.evolution.generators.base import Candidate, Context
    from parevo_lab.evolution.rules import evidence
    from parevo_lab.evolution.rules.generator import RulesGenerator

    task = load_task(suite.TASKS / "irregular" / "maximal_independent_set.py")
    generator = RulesGenerator()
    analysis = generator.analysis(task)
    row = next(i for i, f in analysis.loops.items() if f.var == "j")
    assert analysis.loops[row].strategies()  # it could be parallel, on its own
    assert evidence.one_row(analysis, row, Plan())
    seed = Candidate(1, None, "seed", "seed", "src", genome=Plan().to_dict(), verdict="ok")
    context = Context(task, [seed], random.Random(0))
    assert not any(p.genome for p in generator.propose(seed, context))
    said = generator.explain(task)
    assert f"{row} (`for j`): one CSR row of the serial loop" in said, said
