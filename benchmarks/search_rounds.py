"""The search strategy (a loop that can leave early) on the suite's search tasks, beside the
expert solutions: rounds of parallel blocks, each block counting its exits in a vectorised loop
before it scans for the first (``transforms/search.py``).

    python benchmarks/search_rounds.py [--tasks 35,36,38,39] [--threads 1,2] [--budget 1.0]

For each ParEval search task named (by number), the rule generator's plan with every searchable
loop under ``search`` is rendered, and it and the task's expert go through the whole cascade
(``parevo check``: compile, verify, race detector, profile in the sandbox) one after the other.
Printed per kernel: its verdict and the speedup over serial numba at each thread count with its
95% interval. Compare the two lines of a task with each other, on a quiet machine.

Measured (2-core machine, numba 0.68.1): see docs/evolve.md ("Searches that stop early").
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parevo_lab import suite  # noqa: E402
from parevo_lab.cascade import CheckOptions, evaluate  # noqa: E402
from parevo_lab.evolution.rules.generator import RulesGenerator  # noqa: E402
from parevo_lab.evolution.rules.transforms import Plan, render  # noqa: E402
from parevo_lab.kernel import Kernel  # noqa: E402
from parevo_lab.task import load_task  # noqa: E402


def cells(report, threads) -> str:
    profile = report.profile
    out = []
    for p in threads:
        vs = ((profile.speedup or {}).get("vs_serial") or {}).get(str(p)) if profile else None
        out.append(
            f"{p}: {vs['value']:.2f}x [{vs['ci_low']:.2f}-{vs['ci_high']:.2f}]" if vs else f"{p}: -"
        )
    return "   ".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", default="35,36,38,39", help="ParEval numbers, by commas")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--budget", type=float, default=1.0, help="seconds per configuration")
    args = parser.parse_args(argv)
    threads = [int(t) for t in args.threads.split(",")]
    options = CheckOptions(threads=threads, budget_s=args.budget, projection=False, python_cap_s=0)
    wanted = {f"{int(n):02d}" for n in args.tasks.split(",")}
    entries = [e for e in suite.entries() if e.suite == "pareval" and e.id[8:10] in wanted]
    for entry in entries:
        task = load_task(entry.path)
        analysis = RulesGenerator().analysis(task)
        searched = [i for i, f in analysis.loops.items() if "search" in f.strategies()]
        print(f"{entry.id}: bench size {task.sizes['bench']:,}, searched loops {searched}")
        expert = suite.EXPERT / entry.suite / entry.path.name
        kernels = {"expert": Kernel(source=expert.read_text(encoding="utf-8"))}
        if searched:
            source = render(task.source, Plan(dict.fromkeys(searched, "search")))
            kernels = {"rules search": Kernel(source=source), **kernels}
        for name, kernel in kernels.items():
            report = evaluate(task, kernel, options)
            print(f"  {name:<13} {report.verdict:<6} {cells(report, threads)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
