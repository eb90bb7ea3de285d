"""Evaluations per minute: the local executor (one at a time) beside Dask LocalClusters.

    python benchmarks/executor_throughput.py [--candidates 8] [--workers 2,4] [--profile]

Evaluates the same candidates (the expert solutions of a few suite tasks, each compiled cold in
a fresh cache) with each executor in turn, in one run, and prints the wall time, evaluations per
minute and the ratio to local. Without ``--profile`` only compile, verify and races run (they may
overlap on a host); with it each evaluation is also timed, and profiles take turns per host, so
the gain is bounded by the verification share. The figures are the machine's: on 2 vCPUs more
workers than cores only queue for them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parevo_lab import suite  # noqa: E402
from parevo_lab.cascade import CheckOptions  # noqa: E402
from parevo_lab.executor import open_executor  # noqa: E402
from parevo_lab.kernel import load_kernel  # noqa: E402
from parevo_lab.task import load_task  # noqa: E402


def work(count: int):
    entries = [e for e in suite.entries() if e.suite == "pareval"]
    pairs = []
    for entry in entries:
        files = entry.candidate_in(suite.EXPERT)
        if files:
            pairs.append((load_task(entry.path), load_kernel(str(files[0]))))
        if len(pairs) == count:
            break
    return pairs


def measure(spec: str, workers: int | None, pairs, options) -> tuple[float, list[str]]:
    os.environ["PAREVO_CACHE_DIR"] = tempfile.mkdtemp(prefix="parevo-throughput-")  # cold
    with open_executor(spec, workers) as executor:
        started = time.monotonic()
        futures = [executor.submit(task, candidate, options) for task, candidate in pairs]
        verdicts = [f.result().verdict for f in futures]
        return time.monotonic() - started, verdicts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=8)
    parser.add_argument("--workers", default="2,4")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    options = CheckOptions(threads=[1, 2], profile=args.profile, budget_s=0.2)
    pairs = work(args.candidates)
    rows = [("local", None)] + [("dask", int(w)) for w in args.workers.split(",")]
    print(
        f"{len(pairs)} expert candidates, profile={'on' if args.profile else 'off'}, "
        f"{os.cpu_count()} CPUs"
    )
    base = None
    for spec, workers in rows:
        seconds, verdicts = measure(spec, workers, pairs, options)
        base = base or seconds
        label = spec if workers is None else f"dask x{workers}"
        print(
            f"{label:<10} {seconds:7.1f} s  {60 * len(pairs) / seconds:6.1f} evaluations/min  "
            f"{base / seconds:5.2f}x of local  verdicts: {sorted(set(verdicts))}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
