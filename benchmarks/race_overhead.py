"""What the race detector's shadow replay costs, next to the serial numba run of the same kernel.

    python benchmarks/race_overhead.py [--size 2000000] [--repeat 7]

For each kernel below, at >= 10^6 elements: the kernel compiled serially with numba (prange runs
as range: the same work, one thread) and its instrumented replay (every tracked access checked
against the shadow), timed side by side in this process on the same inputs, medians of
`--repeat` runs after a warm-up. Prints replay / serial. Anchors from the literature:
ThreadSanitizer 5-15x, Valgrind DRD 20-100x, Intel Inspector 2-320x. Target: <= 3x.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from pathlib import Path

import numba
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parevo_lab.cascade.races import shadow  # noqa: E402
from parevo_lab.cascade.races.replay import build_replay  # noqa: E402
from parevo_lab.kernel import materialise  # noqa: E402
from parevo_lab.task import fresh_copy  # noqa: E402

KERNELS = [
    # (label, candidate file, task file for make_inputs)
    (
        "CSR neighbour sum (pull)",
        "examples/csr_neighbour_sum/kernel.py",
        "examples/csr_neighbour_sum/task.py",
    ),
    ("histogram, private blocks", "examples/histogram/kernel.py", "examples/histogram/task.py"),
    ("segmented sum", "examples/segment_sum/kernel.py", "examples/segment_sum/task.py"),
    (
        "scatter with duplicates (racy)",
        "tests/races/race_scatter_dup.py",
        "tests/races/race_scatter_dup.py",
    ),
    (
        "in-place 3-point stencil (racy)",
        "tests/races/race_inplace_stencil.py",
        "tests/races/race_inplace_stencil.py",
    ),
    (
        "permutation scatter",
        "tests/races/clean_perm_scatter.py",
        "tests/races/clean_perm_scatter.py",
    ),
]


def load(path: Path, kind: str):
    directory, name = materialise(path.read_text(), kind)
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    return importlib.import_module(name), name, directory / f"{name}.py"


def median_time(function, args, repeat: int) -> float:
    function(*fresh_copy(args))  # warm-up (and compile)
    samples = []
    for _ in range(repeat):
        fresh = fresh_copy(args)
        start = time.perf_counter()
        function(*fresh)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    numba.set_num_threads(1)
    print(f"size {args.size}, median of {args.repeat} runs each; numba {numba.__version__}\n")
    print(f"{'kernel':<34} {'serial numba':>13} {'replay':>11} {'replay/serial':>14}  conflicts")
    ratios = []
    for label, candidate_file, task_file in KERNELS:
        task, _, _ = load(ROOT / task_file, "task")
        candidate, name, path = load(ROOT / candidate_file, "cand")
        inputs = tuple(task.make_inputs(args.size, np.random.default_rng(0)))
        serial = numba.njit(candidate.kernel.py_func)
        replay_entry, replay = build_replay(candidate, name, path, "kernel", threads=2)
        sites, loops = len(replay.sites), len(replay.loops)

        def run_replay(*call, entry=replay_entry, sites=sites, loops=loops):
            state = shadow.new_state(sites, loops)
            entry(state, *call)
            return state

        t_serial = median_time(serial, inputs, args.repeat)
        t_replay = median_time(run_replay, inputs, args.repeat)
        state = run_replay(*fresh_copy(inputs))
        ratios.append(t_replay / t_serial)
        print(
            f"{label:<34} {t_serial * 1e3:10.2f} ms {t_replay * 1e3:8.2f} ms {t_replay / t_serial:13.2f}x"
            f"  {int(shadow.decode(state)['counts'].sum())}"
        )
    print(
        f"\nmedian overhead {statistics.median(ratios):.2f}x, worst {max(ratios):.2f}x "
        "(target <= 3x; ThreadSanitizer 5-15x, Valgrind DRD 20-100x, Intel Inspector 2-320x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
