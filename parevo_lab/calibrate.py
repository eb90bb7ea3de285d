"""What parallelism can give on this machine: measured once (per CPU, core count and numba), cached.

Two kernels, timed at every thread count of the sweep: a compute-bound one (no memory traffic:
its speedup is the ceiling for kernels that compute) and the STREAM triad (its GB/s bound every
kernel that streams memory). A candidate's speedup is shown beside these, never alone.
Runs inside the sandboxed profile child, where thread pools are already capped.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import statistics
import time
from pathlib import Path

import numba
import numpy as np

TRIAD_ELEMENTS = 1 << 23  # 3 arrays of 64 MiB: far beyond any cache here
COMPUTE_ELEMENTS = 1 << 15
COMPUTE_STEPS = 400


@numba.njit(parallel=True, cache=True)
def _compute(x, steps):
    out = np.empty_like(x)
    for i in numba.prange(x.shape[0]):
        v = x[i]
        for _ in range(steps):
            v = v * 1.000001 + 0.5 / (1.0 + v * v)
        out[i] = v
    return out


@numba.njit(parallel=True, cache=True)
def _triad(a, b, c, s):
    for i in numba.prange(a.shape[0]):
        a[i] = b[i] + s * c[i]


def machine_key(threads: list[int]) -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    text = f"{model}|{cores}|{numba.__version__}|{sorted(threads)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _median_time(function, *args, repeat: int = 7) -> float:
    function(*args)  # warm-up (and compile)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure(threads: list[int]) -> dict:
    x = np.random.default_rng(0).random(COMPUTE_ELEMENTS)
    a = np.empty(TRIAD_ELEMENTS)
    b = np.ones(TRIAD_ELEMENTS)
    c = np.ones(TRIAD_ELEMENTS)
    compute, bandwidth = {}, {}
    for p in sorted(threads):
        numba.set_num_threads(p)
        compute[str(p)] = _median_time(_compute, x, COMPUTE_STEPS)
        seconds = _median_time(_triad, a, b, c, 3.0)
        bandwidth[str(p)] = round(3 * 8 * TRIAD_ELEMENTS / seconds / 1e9, 2)
    one = compute[str(min(threads))]
    base_bw = bandwidth[str(min(threads))]
    return {
        "compute_speedup": {p: round(one / t, 3) for p, t in compute.items()},
        "bandwidth_gbs": bandwidth,
        "bandwidth_speedup": {p: round(bw / base_bw, 3) for p, bw in bandwidth.items()},
        "measured": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


def ceiling(threads: list[int], cache_dir: str | Path) -> dict:
    """The cached calibration for this machine, measured now if there is none."""
    path = Path(cache_dir) / f"machine-{machine_key(threads)}.json"
    if path.exists():
        try:
            return {**json.loads(path.read_text()), "cached": True, "path": str(path)}
        except (OSError, ValueError):
            pass
    result = measure(threads)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result))
    except OSError:
        pass
    return {**result, "cached": False, "path": str(path)}
