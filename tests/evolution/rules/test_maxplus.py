"""The ``maxplus`` strategy (issue 21, a loop move found missing on the suite): a running value
under ``+`` and ``max``/``min`` steps and the bests it feeds (Kadane's maximum subarray, ParEval
34), summarised per block in parallel and combined in order, judged by the whole cascade."""

from parevo_lab import suite
from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.evolution.rules.analysis import analyse, function_source
from parevo_lab.evolution.rules.transforms import Plan, render
from parevo_lab.kernel import Kernel
from parevo_lab.task import load_task

# ParEval 34 at test sizes
KADANE = (
    (suite.TASKS / "pareval" / "34_scan_largest_contiguous_subarray_sum.py")
    .read_text()
    .replace(
        'SIZES = {"check": 1000, "bench": 110_000_000}', 'SIZES = {"check": 1000, "bench": 50_000}'
    )
)
assert "50_000" in KADANE  # the suite file still reads so

# the smallest subarray sum of floats, with the steps the other way round and two bests
MIN_FLOATS = """
import numpy as np

SIZES = {"check": 500, "bench": 20_000}


def make_inputs(size, rng):
    return (rng.uniform(-1.0, 1.0, size),)


def reference(x):
    low = 0.0
    lowest = 0.0
    other = 1.0
    for i in range(x.shape[0]):
        if low > x[i]:
            low = x[i]
        low += x[i]
        if low < lowest:
            lowest = low
        other = min(other, low)
    return lowest, other
"""

OPTIONS = CheckOptions(threads=[1, 2], profile=False, timeout_s=60)


def _loop(source):
    analysis = analyse(function_source(source, "reference"))
    (loop,) = analysis.loops.values()
    return loop


def test_kadane_and_a_min_plus_variant_are_recognised_rendered_and_right(tmp_path):
    for name, source, types in (
        ("kadane", KADANE, {"ending_here": "int64", "best": "int64"}),
        ("low", MIN_FLOATS, {"low": "float64", "lowest": "float64", "other": "float64"}),
    ):
        loop = _loop(source)
        assert loop.strategies() == ["maxplus"], loop.blockers()
        path = tmp_path / f"{name}.py"
        path.write_text(source)
        task = load_task(path)
        kernel = render(task.source, Plan({loop.id: "maxplus"}), types)
        assert "numba.prange(blocks)" in kernel
        report = evaluate(task, Kernel(source=kernel), OPTIONS)
        assert report.verdict == "ok", f"{report.summary}\n{kernel}"
        assert report.races.status == "clean"


def test_look_alikes_are_not_max_plus():
    body = KADANE.split("def reference(x):")[1]
    cases = {
        # the best taken on some iterations only
        "conditional best": body.replace(
            "        if ending_here > best:", "        if ending_here > best and i % 2 == 0:"
        ),
        # the running value stored per element (a scan, not a reduction)
        "stored": body.replace("        v = x[i]", "        v = x[i]\n        x[i] = ending_here"),
        # a step that reads the best
        "reads the best": body.replace(
            "        ending_here += v", "        ending_here += v + best"
        ),
        # multiplied, not added
        "product": body.replace("        ending_here += v", "        ending_here *= v"),
    }
    for why, text in cases.items():
        assert text != body, why
        loop = _loop("def reference(x):" + text)
        assert loop.maxplus is None, why
        assert "maxplus" not in loop.strategies(), why
