"""What one `parevo check` costs, stage by stage, cold and with a warm compile cache.

    python benchmarks/cascade_cost.py [--repeat 3] [--budget 1.0] [--threads 1,2]

For each example task and its correct candidate: `--repeat` cold checks (each with an empty
numba cache and source folder) and as many warm ones (the same cache, second time round), with
the full default cascade (compile, verify, profile). Prints the median seconds of each stage,
and the sandbox start-up alone (spawn + numpy + numba imports) from a job that does nothing else.
Targets on a 2-core machine: full check <= 15 s cold, <= 5 s warm; start-up <= 1.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parevo_lab import sandbox  # noqa: E402
from parevo_lab.cascade import CheckOptions, evaluate  # noqa: E402
from parevo_lab.kernel import load_kernel  # noqa: E402
from parevo_lab.task import load_task  # noqa: E402

STAGES = ("startup", "task_code", "compile", "verify", "profile", "total")


def startup_seconds(repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        run = sandbox.run({"job": "ping"}, sandbox.Limits(threads=2))
        out.append(run.phase_seconds()["startup"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--budget", type=float, default=1.0, help="profile seconds per configuration"
    )
    parser.add_argument("--threads", default=None, help="thread counts, default: 1, 2, ... cores")
    args = parser.parse_args()
    options = CheckOptions(budget_s=args.budget)
    if args.threads:
        options.threads = [int(t) for t in args.threads.split(",")]

    starts = startup_seconds(max(5, args.repeat))
    print(
        f"machine: {os.cpu_count()} CPUs, {len(os.sched_getaffinity(0))} usable; "
        f"threads {options.threads}; profile budget {args.budget:g} s per configuration"
    )
    print(
        f"sandbox start-up (spawn + imports): median {statistics.median(starts):.2f} s "
        f"(min {min(starts):.2f}, max {max(starts):.2f}, n={len(starts)}; target <= 1.5 s)\n"
    )
    header = f"{'example':<20} {'cache':<5} " + " ".join(f"{s:>9}" for s in STAGES) + "   verdict"
    print(header)
    print("-" * len(header))
    totals = {"cold": [], "warm": []}
    for example in sorted(p for p in (ROOT / "examples").iterdir() if (p / "task.py").exists()):
        task = load_task(example / "task.py")
        candidate = load_kernel(str(example / "kernel.py"))
        rows = {"cold": [], "warm": []}
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix="parevo-bench-") as cache:
                os.environ["PAREVO_CACHE_DIR"] = cache
                for state in ("cold", "warm"):
                    start = time.monotonic()
                    report = evaluate(task, candidate, options)
                    report.seconds.setdefault("profile", 0.0)
                    report.seconds["total"] = time.monotonic() - start
                    rows[state].append((report.seconds, report.verdict, report.compile.cached))
        for state in ("cold", "warm"):
            medians = {s: statistics.median(r[0].get(s, 0.0) for r in rows[state]) for s in STAGES}
            totals[state].append(medians["total"])
            verdicts = ",".join(sorted({r[1] for r in rows[state]}))
            cached = "cached" if all(r[2] for r in rows[state]) else ""
            print(
                f"{example.name:<20} {state:<5} "
                + " ".join(f"{medians[s]:9.2f}" for s in STAGES)
                + f"   {verdicts} {cached}"
            )
    print()
    for state, target in (("cold", 15.0), ("warm", 5.0)):
        worst = max(totals[state])
        print(
            f"full check, {state}: median per example {', '.join(f'{t:.1f}' for t in totals[state])} s;"
            f" worst {worst:.1f} s (target <= {target:g} s: {'met' if worst <= target else 'NOT met'})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
