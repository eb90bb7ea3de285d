"""How a prange loop's iterations are dealt to threads, side by side: numba's static split, the
edge-balanced runs (knob ``balance``), cyclic parts (``interleave``) and the dynamic schedule
(``dynamic``: ``numba.set_parallel_chunksize`` under TBB).

    python benchmarks/schedules.py [--task PATH] [--threads 1,2] [--budget 1.0] [--size N]

For one task whose reference has a prange-able loop of uneven iterations (default: the example
``csr_neighbour_sum``, a Zipf-degree CSR graph; the suite's ``irregular/spmv_csr`` and
``pagerank`` work too), the rule generator's plain prange plan is rendered four times, one
schedule each, and every kernel goes through the whole cascade (``parevo check``: compile,
verify, race detector, profile in the sandbox, each in its own child with the threading layer the
sandbox picks for it). Printed per kernel: its verdict, the threading layer that ran it and the
speedup over serial numba at each thread count with its 95% interval. The four profiles run one
after another in one run: compare them with each other, on a quiet machine.

Measured (2-core machine, numba 0.68.1, csr_neighbour_sum at 300,000 vertices, 1 s per
configuration): see docs/evolve.md ("Schedules for skew").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parevo_lab.cascade import CheckOptions, evaluate  # noqa: E402
from parevo_lab.evolution.rules import evidence  # noqa: E402
from parevo_lab.evolution.rules.generator import RulesGenerator  # noqa: E402
from parevo_lab.evolution.rules.transforms import Plan, render, row_pointer  # noqa: E402
from parevo_lab.kernel import Kernel  # noqa: E402
from parevo_lab.task import load_task  # noqa: E402

DEFAULT_TASK = ROOT / "examples" / "csr_neighbour_sum" / "task.py"


def plans(task) -> dict[str, Plan]:
    """The plain prange plan of the task's outermost uneven loop, under each schedule."""
    analysis = RulesGenerator().analysis(task)
    outer = sorted(i for i, f in analysis.loops.items() if f.parent is None and f.strategies())
    plain = Plan({i: "prange" for i in outer})
    uneven = evidence.uneven_loops(analysis, plain)
    if not uneven:
        raise SystemExit(f"{task.path}: no outer loop of uneven iterations to schedule")
    out = {"static": plain, "dynamic": evidence.dynamic(plain, uneven)}
    out["interleave"] = plain.with_knob("interleave", uneven)
    rows = [i for i in uneven if row_pointer(analysis.loop_node(i))]
    if rows:
        out["balance"] = evidence.balanced(plain, rows)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", type=Path, default=DEFAULT_TASK)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per configuration")
    args = parser.parse_args(argv)
    task = load_task(args.task)
    threads = [int(t) for t in args.threads.split(",")]
    options = CheckOptions(threads=threads, budget_s=args.budget, projection=False, python_cap_s=0)
    print(f"{task.path.name}: bench size {task.sizes['bench']:,}, threads {threads}")
    for name, plan in plans(task).items():
        report = evaluate(task, Kernel(source=render(task.source, plan)), options)
        profile = report.profile
        cells = []
        for p in threads:
            vs = ((profile.speedup or {}).get("vs_serial") or {}).get(str(p)) if profile else None
            cells.append(
                f"{p}: {vs['value']:.2f}x [{vs['ci_low']:.2f}-{vs['ci_high']:.2f}]"
                if vs
                else f"{p}: -"
            )
        layer = (profile.threading_layer if profile else "") or "-"
        print(f"  {name:<11} {report.verdict:<6} layer {layer:<9} " + "   ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
