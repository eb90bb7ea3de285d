"""The dynamic schedule (issue 21, Deliver 3): a prange loop of uneven iterations under
``numba.set_parallel_chunksize``, run by the sandbox under TBB (the one threading layer that
honours a chunk size), every other kernel under OpenMP, and the layer recorded in the profile."""

import random

from evolution.rules.test_transforms import CSR_ROWS, HEADER, variables

from parevo_lab import suite
from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.evolution.generators.base import Candidate, Context
from parevo_lab.evolution.rules import evidence
from parevo_lab.evolution.rules.generator import RulesGenerator
from parevo_lab.evolution.rules.transforms import Plan, render
from parevo_lab.kernel import Kernel
from parevo_lab.report import display
from parevo_lab.report import text as report_text
from parevo_lab.sandbox import layers
from parevo_lab.task import load_task

UNIFORM = """
def make_inputs(size, rng):
    return (rng.uniform(-1.0, 1.0, size),)


def reference(x):
    y = np.empty_like(x)
    for i in range(x.shape[0]):
        y[i] = 2.0 * x[i] + 1.0
    return y
"""

TRIANGLE = """
def make_inputs(size, rng):
    return (rng.uniform(-1.0, 1.0, size),)


def reference(x):
    n = x.shape[0]
    y = np.zeros(n)
    for i in range(n):
        s = 0.0
        for j in range(i, n):
            s += x[j]
        y[i] = s
    return y
"""


def _task(tmp_path, text, name="t"):
    path = tmp_path / f"{name}.py"
    path.write_text(HEADER + text)
    return load_task(path)


def test_tbb_comes_with_the_package():
    """``tbb`` is a dependency (pyproject.toml): without it the move is never offered."""
    assert layers.tbb_available()


def test_the_layer_follows_the_kernel_and_the_users_choice():
    assert layers.asks_for_chunks("old = numba.set_parallel_chunksize(c)\n")
    assert layers.asks_for_chunks("with numba.parallel_chunksize(64):\n")
    assert not layers.asks_for_chunks("for i in numba.prange(n):\n")
    assert not layers.asks_for_chunks(None)
    assert layers.order_for("numba.set_parallel_chunksize(8)", {})[0] == "tbb"
    assert layers.order_for("numba.prange(n)", {})[0] == "omp"
    assert layers.order_for("numba.prange(n)", {"NUMBA_THREADING_LAYER": "default"})[0] == "omp"
    # a layer the user names stays theirs
    assert (
        layers.order_for("numba.set_parallel_chunksize(8)", {"NUMBA_THREADING_LAYER": "omp"})
        is None
    )


def test_a_retiming_runs_both_kernels_under_tbb_when_either_sets_a_chunk_size(tmp_path):
    (tmp_path / "cand_a.py").write_text("for i in numba.prange(n):\n    pass\n")
    (tmp_path / "cand_b.py").write_text("old = numba.set_parallel_chunksize(8)\n")
    job = {"sources_dir": str(tmp_path), "candidate_module": "cand_a"}
    assert layers.order_for(layers.candidate_source(job), {})[0] == "omp"
    job["incumbent_module"] = "cand_b"  # the best is dynamic, the challenger static
    assert layers.order_for(layers.candidate_source(job), {})[0] == "tbb"
    assert layers.candidate_source({"sources_dir": str(tmp_path)}) is None


def test_a_dynamic_csr_loop_runs_under_tbb_is_correct_and_projected_dynamic(tmp_path):
    task = _task(tmp_path, CSR_ROWS, "rows")
    analysis = RulesGenerator().analysis(task)
    (loop_id,) = [i for i, f in analysis.loops.items() if f.var == "v"]
    plan = evidence.dynamic(Plan({loop_id: "prange"}), [loop_id])
    source = render(task.source, plan, variables(task))
    assert "chunk = max(1, n // (16 * numba.get_num_threads()))" in source
    assert "numba.set_parallel_chunksize(chunk)" in source
    assert "numba.set_parallel_chunksize(previous_chunk)" in source  # put back after the loop
    options = CheckOptions(threads=[1, 2], timeout_s=60, budget_s=0.1, python_cap_s=0)
    report = evaluate(task, Kernel(source=source), options)
    assert report.verdict == "ok", f"{report.summary}\n{source}"
    assert report.races.status == "clean"
    assert report.profile.threading_layer == "tbb"
    # the terminal's profile line and the notebook's speedup table say so
    assert "tbb threading layer" in report_text.render(report)
    assert "tbb threading layer" in display.report_html(report)
    assert report.projection is not None and report.projection.status == "projected"
    assert report.projection.schedule == "dynamic"  # the model replays the kernel's own schedule
    # the same loop without a chunk size: OpenMP, static, whatever else is installed
    plain = render(task.source, Plan({loop_id: "prange"}), variables(task))
    report = evaluate(task, Kernel(source=plain), options)
    assert report.verdict == "ok", report.summary
    assert report.profile.threading_layer == "omp"
    assert report.projection.schedule == "static"


def _proposals(task, plan):
    generator = RulesGenerator()
    parent = Candidate(1, None, "rules", "p", "src", genome=plan.to_dict(), verdict="ok")
    context = Context(task, [parent], random.Random(0), {})
    return {p.label: p for p in generator.propose(parent, context)}


def test_loops_of_uneven_work_are_offered_the_dynamic_schedule_others_not(tmp_path):
    for text, var in ((CSR_ROWS, "v"), (TRIANGLE, "i")):
        task = _task(tmp_path, text, f"uneven_{var}")
        analysis = RulesGenerator().analysis(task)
        (loop_id,) = [i for i, f in analysis.loops.items() if f.var == var]
        labels = _proposals(task, Plan({loop_id: "prange"}))
        move = next(p for label, p in labels.items() if label.startswith("dynamic schedule"))
        assert move.genome["knobs"]["dynamic"] == [loop_id]
        # scheduled already: not offered again
        again = _proposals(task, evidence.dynamic(Plan({loop_id: "prange"}), [loop_id]))
        assert not any(label.startswith("dynamic schedule") for label in again)
    # every row of a matrix is as long as the others: ParEval 15's `row = A[i]` and
    # `range(row.shape[0])` do not vary with i
    edge_count = load_task(suite.TASKS / "pareval" / "15_graph_edge_count.py")
    for task in (_task(tmp_path, UNIFORM, "uniform"), edge_count):
        analysis = RulesGenerator().analysis(task)
        (loop_id,) = [i for i, f in analysis.loops.items() if f.parent is None]
        labels = _proposals(task, Plan({loop_id: "prange"}))
        assert labels and not any(label.startswith("dynamic schedule") for label in labels)
