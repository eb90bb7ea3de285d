"""The unsigned-index casts of rule-generated kernels: the earlier rule against the current one.

    python benchmarks/unsigned_index.py [--tasks GLOB ...] [--proposals 1] [--threads 1,2]
                                        [--repeat 21] [--max-size N] [--check]

For each suite task, the rule generator's first ``--proposals`` plans from the seed (the
automatic plan first), each rendered three times, everything but the casts the same:

- ``old``:  every computed index in the generated parallel loops cast to ``np.uint64`` (the
            earlier rule, kept here as ``every_index``);
- ``new``:  the renderer's own rule (``transforms.render.unsigned_indices``);
- ``none``: no casts at all (the knob ``unsigned_index`` off).

A plan whose old and new kernels are the same code is listed, not timed. The others are compiled
in this process and run on the task's ``make_inputs(SIZES["bench"])`` (or at most ``N``: a size
whose arrays stay in the caches shows what the casts do to the code; at the suite's bench sizes
most kernels are memory-bound, and the casts matter less): warmed up, then timed in
turn (old, new, none, old, new, ...) for ``--repeat`` rounds, on fresh copies of the inputs,
medians, at each thread count. Printed: the new kernel's time and old/new and none/new (above 1:
the new kernel is faster). The types the blocked strategies need come from the seed kernel,
compiled here on a check-size input. ``--check`` also runs the verifier (``parevo check``'s
cascade, without the profile) on the old and the new kernel of each plan and prints both
verdicts. The machine is shared and noisy: compare ratios within one run, and at 1 thread.

Measured (2-core machine, numba 0.68.1, one thread): old/new geometric mean 0.99 over the 56
suite kernels whose code differs (inputs of at most 10^6 elements; the outliers, 0.80-1.19 in 21
rounds, were 0.92-1.03 in 61), 1.00 on the maps and stencils at their bench sizes; none/new up
to 2.3x (spmv_csr), 1.45x (pixel histogram), 1.2x (edge detection, game of life).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import random
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("NUMBA_NUM_THREADS", "2")
for _cap in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_cap, "1")

import numba  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parevo_lab import suite  # noqa: E402
from parevo_lab.cascade import CheckOptions, evaluate  # noqa: E402
from parevo_lab.cascade.compile import variable_types  # noqa: E402
from parevo_lab.evolution.generators.base import Candidate, Context  # noqa: E402
from parevo_lab.evolution.rules.analysis import _constant  # noqa: E402
from parevo_lab.evolution.rules.generator import RulesGenerator  # noqa: E402
from parevo_lab.evolution.rules.transforms import Plan, RenderError, render  # noqa: E402
from parevo_lab.kernel import Kernel, materialise  # noqa: E402
from parevo_lab.task import fresh_copy, load_task  # noqa: E402

# the module, not the function of the same name that the package re-exports
render_module = importlib.import_module("parevo_lab.evolution.rules.transforms.render")


def every_index(loop: ast.For) -> ast.For:
    """The earlier rule: every computed index in the loop's body cast to ``np.uint64``
    (constants and slices stay)."""

    def cast(index):
        if isinstance(index, ast.Slice | ast.Constant) or _constant(index) is not None:
            return index
        if isinstance(index, ast.Call) and ast.unparse(index.func) == "np.uint64":
            return index
        if not isinstance(index, ast.Name | ast.BinOp | ast.Subscript | ast.Call | ast.UnaryOp):
            return index
        return ast.Call(
            func=ast.Attribute(ast.Name("np", ast.Load()), "uint64", ast.Load()),
            args=[index],
            keywords=[],
        )

    for stmt in loop.body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                if isinstance(node.slice, ast.Tuple):
                    node.slice.elts = [cast(e) for e in node.slice.elts]
                else:
                    node.slice = cast(node.slice)
    return loop


def render_old(source: str, plan: Plan, variables: dict) -> str:
    current = render_module.unsigned_indices
    render_module.unsigned_indices = every_index
    try:
        return render(source, plan, variables)
    finally:
        render_module.unsigned_indices = current


def load(source: str, kind: str):
    directory, name = materialise(source, kind)
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    return importlib.import_module(name)


def seed_types(task, module) -> dict[str, str]:
    """numba's types of the reference's locals: the seed kernel compiled on a check-size input."""
    seed = load(render(task.source, Plan()), "seed").kernel
    args = module.make_inputs(task.sizes["check"], np.random.default_rng(0))
    seed(*fresh_copy(tuple(args)))
    return variable_types(seed, seed.signatures[0])


def plans(task, variables: dict, count: int) -> list[tuple[Plan, str]]:
    generator = RulesGenerator()
    seed = generator.seed(task)
    parent = Candidate(0, None, "seed", seed.label, seed.source, genome=seed.genome, verdict="ok")
    context = Context(task=task, candidates=[parent], rng=random.Random(0), variables=variables)
    found = []
    for proposal in generator.propose(parent, context):
        found.append((Plan.from_dict(proposal.genome), proposal.label))
        if len(found) == count:
            break
    return found


def timed(kernels: dict, args: tuple, repeat: int) -> dict[str, float]:
    for kernel in kernels.values():
        kernel(*fresh_copy(args))  # compile, warm up
    samples: dict[str, list[float]] = {name: [] for name in kernels}
    for _ in range(repeat):
        for name, kernel in kernels.items():
            fresh = fresh_copy(args)
            start = time.perf_counter()
            kernel(*fresh)
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in samples.items()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", action="append", default=None, metavar="GLOB")
    parser.add_argument("--proposals", type=int, default=1, metavar="K")
    parser.add_argument("--threads", default="1,2", metavar="1,2")
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--check", action="store_true", help="also verify old and new kernels")
    parser.add_argument(
        "--max-size", type=int, default=None, help="at most this input size (make_inputs(N))"
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore", numba.NumbaPerformanceWarning)  # the seed has no prange
    threads = [int(t) for t in args.threads.split(",")]
    options = CheckOptions(threads=[1, 2], profile=False, timeout_s=120)
    print(f"numba {numba.__version__}, {numba.config.NUMBA_NUM_THREADS} threads in the pool")
    columns = "".join(f"  new@{t}    old/new  none/new" for t in threads)
    print(f"{'task / plan':<58}{columns}")
    ratios: dict[int, list[float]] = {t: [] for t in threads}
    for entry in suite.select(suite.entries(), args.tasks):
        task = load_task(entry.path)
        module = load(task.source, "task")
        try:
            variables = seed_types(task, module)
        except Exception as exc:  # noqa: BLE001 - a reference numba cannot compile: say so
            print(f"{entry.id}: the seed does not compile here ({type(exc).__name__})")
            continue
        size = min(task.sizes["bench"], args.max_size or task.sizes["bench"])
        inputs = tuple(module.make_inputs(size, np.random.default_rng(0)))
        for plan, _label in plans(task, variables, args.proposals):
            title = f"{entry.id.split('/')[1][:34]} {plan.describe()}"[:57]
            try:
                sources = {
                    "old": render_old(task.source, plan, variables),
                    "new": render(task.source, plan, variables),
                    "none": render(
                        task.source,
                        Plan(plan.loops, {**plan.knobs, "unsigned_index": False}),
                        variables,
                    ),
                }
            except RenderError as exc:
                print(f"{title:<58}  not rendered: {exc}")
                continue
            if sources["old"] == sources["new"]:
                print(f"{title:<58}  same code")
                continue
            if args.check:
                verdicts = {
                    name: evaluate(task, Kernel(source=sources[name]), options).verdict
                    for name in ("old", "new")
                }
                title = f"{title[:44]} {verdicts['old']}/{verdicts['new']}"[:57]
            kernels = {name: load(source, "cand").kernel for name, source in sources.items()}
            cells = []
            for count in threads:
                numba.set_num_threads(count)
                try:
                    median = timed(kernels, inputs, args.repeat)
                except Exception as exc:  # noqa: BLE001 - a kernel that fails here: say so
                    cells.append(f"  failed: {type(exc).__name__}: {exc}"[:60])
                    break
                ratio = median["old"] / median["new"]
                ratios[count].append(ratio)
                cells.append(
                    f"  {median['new'] * 1e3:7.2f}ms {ratio:7.2f}x {median['none'] / median['new']:8.2f}x"
                )
            print(f"{title:<58}{''.join(cells)}", flush=True)
    for count, values in ratios.items():
        if values:
            mean = float(np.exp(np.mean(np.log(values))))
            print(
                f"\n{count} thread(s): old/new geometric mean {mean:.3f}x over {len(values)} "
                f"kernels, lowest {min(values):.2f}x, highest {max(values):.2f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
