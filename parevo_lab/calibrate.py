"""What parallelism can give on this machine: measured once (per CPU, core count and numba), cached.

Three kernels, timed at every thread count of the sweep: a compute-bound one (no memory traffic,
one long dependent chain a thread: its speedup is the ceiling for kernels that compute), a
typical loop (all pairs of a small point set: loads from cache, arithmetic with many operations in
flight, a compare; what cores that share their units with a sibling thread give ordinary code,
which the scaling model projects with) and the STREAM triad (its GB/s bound every kernel that
streams memory). A candidate's speedup is shown beside these, never alone.
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
LOOP_POINTS = 1 << 12  # 16.8M pairs: about 20 ms at 1 thread


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
def _loop(x, y, out):
    n = x.shape[0]
    for i in numba.prange(n):
        best = np.inf
        for j in range(n):
            dx = x[i] - x[j]
            dy = y[i] - y[j]
            d = dx * dx + dy * dy
            if d < best and j != i:
                best = d
        out[i] = best


@numba.njit(parallel=True, cache=True)
def _triad(a, b, c, s):
    for i in numba.prange(a.shape[0]):
        a[i] = b[i] + s * c[i]


@numba.njit(parallel=True, cache=True)
def _region(x):
    for i in numba.prange(x.shape[0]):
        x[i] += 1.0


@numba.njit(cache=True)
def _no_region(x):
    x[0] += 1.0


def _fork_join_us(p: int) -> float:
    """One empty parallel region of ``p`` iterations at the current thread count, less the cost
    of calling a serial function (microseconds)."""
    x = np.zeros(p)
    region = _median_time(lambda: [_region(x) for _ in range(50)], repeat=9) / 50
    call = _median_time(lambda: [_no_region(x) for _ in range(50)], repeat=9) / 50
    return round(max(0.0, region - call) * 1e6, 2)


def last_level_cache_mb() -> float:
    """The largest CPU cache Linux reports (MiB); 0 when it does not say."""
    sizes = []
    for path in Path("/sys/devices/system/cpu/cpu0/cache").glob("index*/size"):
        try:
            text = path.read_text().strip().upper()
        except OSError:
            continue
        scale = {"K": 1 / 1024, "M": 1.0, "G": 1024.0}.get(text[-1:], None)
        if scale is not None and text[:-1].isdigit():
            sizes.append(int(text[:-1]) * scale)
    return max(sizes, default=0.0)


def machine_model() -> str:
    """The CPU's model name (``/proc/cpuinfo``), else what platform says."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return model


def machine_key(threads: list[int]) -> str:
    model = machine_model()
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
    points = np.random.default_rng(1).random((2, LOOP_POINTS))
    nearest = np.empty(LOOP_POINTS)
    compute, loop, bandwidth, fork_join = {}, {}, {}, {}
    for p in sorted(threads):
        numba.set_num_threads(p)
        compute[str(p)] = _median_time(_compute, x, COMPUTE_STEPS)
        loop[str(p)] = _median_time(_loop, points[0], points[1], nearest)
        seconds = _median_time(_triad, a, b, c, 3.0)
        bandwidth[str(p)] = round(3 * 8 * TRIAD_ELEMENTS / seconds / 1e9, 2)
        fork_join[str(p)] = _fork_join_us(p)
    one = compute[str(min(threads))]
    base_bw = bandwidth[str(min(threads))]
    return {
        "compute_speedup": {p: round(one / t, 3) for p, t in compute.items()},
        "loop_speedup": {p: round(loop[str(min(threads))] / t, 3) for p, t in loop.items()},
        "bandwidth_gbs": bandwidth,
        "bandwidth_speedup": {p: round(bw / base_bw, 3) for p, bw in bandwidth.items()},
        "fork_join_us": fork_join,
        "llc_mb": last_level_cache_mb(),
        "compute_seconds": {p: round(t, 6) for p, t in compute.items()},
        "measured": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }


BUSY_LOAD = 0.5  # a load average above this when calibrating: other work shared the cores


def load_average() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0


def ceiling(threads: list[int], cache_dir: str | Path) -> dict:
    """The cached calibration for this machine, measured now if there is none. One measured
    beside other work (``busy``: the load average was above BUSY_LOAD) is measured again the
    first time the machine is quiet, so that a busy hour does not stay in the cache for good."""
    path = Path(cache_dir) / f"machine-{machine_key(threads)}.json"
    if path.exists():
        try:
            cached = json.loads(path.read_text())
            fresh = "loop_speedup" in cached  # older calibrations lack what the projection needs
            if fresh and not (cached.get("busy") and load_average() <= BUSY_LOAD):
                return {**cached, "cached": True, "path": str(path)}
        except (OSError, ValueError):
            pass
    load = load_average()
    result = {**measure(threads), "busy": load > BUSY_LOAD, "load": round(load, 2)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result))
    except OSError:
        pass
    return {**result, "cached": False, "path": str(path)}
