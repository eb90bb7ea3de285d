"""Time each task's reference at its bench size: serial numba and (optionally) pure Python.

    python scripts/suite_reference_time.py TASK.py [TASK.py ...] [--python]

Use it when adding a suite task: SIZES["bench"] should make the serial numba reference take at
least 50 ms on the 2-vCPU machine, and the pure-Python reference (timed once by the profile stage,
for vs_python) should stay well under the 30 s call timeout. Runs the task's code in this process:
only for task files you trust (the suite's own).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"_suite_task_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fresh(inputs):
    from parevo_lab.task import fresh_copy

    return fresh_copy(inputs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tasks", nargs="+", type=Path)
    parser.add_argument(
        "--python", action="store_true", help="also time the pure-Python reference once"
    )
    args = parser.parse_args()
    import numba
    import numpy as np

    status = 0
    for path in args.tasks:
        task = _load(path)
        bench = getattr(task, "SIZES", {}).get("bench", 200_000)
        inputs = task.make_inputs(bench, np.random.default_rng(0))
        jitted = numba.njit(task.reference)
        jitted(*_fresh(inputs))
        times = []
        for _ in range(5):
            call = _fresh(inputs)
            start = time.perf_counter()
            jitted(*call)
            times.append(time.perf_counter() - start)
        ms = statistics.median(times) * 1e3
        flag = "" if ms >= 50 else "  < 50 ms: raise SIZES['bench']"
        status |= ms < 50
        line = f"{path.stem:<48} bench={bench:<10} numba serial {ms:9.1f} ms{flag}"
        if args.python:
            start = time.perf_counter()
            task.reference(*_fresh(inputs))
            line += f"  python {time.perf_counter() - start:7.1f} s"
        print(line, flush=True)
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
