"""Kernels of known structure for the scaling model's tests (tests/cascade/test_scaling.py)."""

import numba
import numpy as np


@numba.njit(parallel=True)
def uniform(x, out):
    """Every iteration does the same work: projects near-linear on an ideal machine."""
    for i in numba.prange(x.shape[0]):
        v = x[i]
        for _ in range(200):
            v = v * 0.999 + 0.001
        out[i] = v
    return out


@numba.njit(parallel=True)
def triangle(x, out):
    """Iteration i costs i: numba's static split gives the last thread (2P-1)/P^2 of the work."""
    for i in numba.prange(x.shape[0]):
        acc = 0.0
        for k in range(i):
            acc += x[k] * 1.0000001
        out[i] = acc
    return out


@numba.njit(parallel=True)
def prologue(x, out):
    """A serial loop with as much work as the parallel loop that follows: Amdahl, f = 1/2."""
    carried = 0.0
    for i in range(x.shape[0]):
        v = x[i] + carried * 1e-9
        for _ in range(200):
            v = v * 0.999 + 0.001
        carried = v
    for i in numba.prange(x.shape[0]):
        v = x[i]
        for _ in range(200):
            v = v * 0.999 + 0.001
        out[i] = v + carried
    return out


@numba.njit(parallel=True)
def triad(a, b, c):
    """Streams three large arrays once: bound by the machine's bandwidth."""
    for i in numba.prange(a.shape[0]):
        a[i] = b[i] + 3.0 * c[i]
    return a


@numba.njit(parallel=True)
def small_table(table, n):
    """Re-reads a 512-byte table n times: from cache, never bandwidth-bound."""
    acc = 0.0
    for i in numba.prange(n):
        acc += table[i & 63]
    return acc


@numba.njit(parallel=True)
def serial_only(x):
    """No prange loop."""
    acc = 0.0
    for i in range(x.shape[0]):
        acc += x[i]
    return acc


@numba.njit(parallel=True)
def per_thread_counts(x):
    """A histogram in the rule generator's shape: one private copy a thread, its block of the
    input as a slice, then a serial merge."""
    counts = np.zeros(16, np.int64)
    n = x.shape[0]
    blocks = max(1, min(numba.get_num_threads(), n))
    private = np.zeros((blocks, 16), np.int64)
    for block in numba.prange(blocks):
        mine = private[block]
        part = x[n * block // blocks : n * (block + 1) // blocks]
        for k in range(part.shape[0]):
            mine[int(part[k] * 16)] += 1
    for m in range(blocks):
        counts += private[m]
    return counts


@numba.njit(parallel=True)
def prange_per_row(x, out):
    """A prange loop inside a serial loop, a few iterations each entry (MIS's 0.05x candidate:
    a fork-join per row): more entries than the replay's buffers hold."""
    rows = x.shape[0] // 8
    for r in range(rows):
        for k in numba.prange(8 * r, 8 * r + 8):
            out[k] = x[k] * 2.0


def inputs(name: str, n: int):
    rng = np.random.default_rng(0)
    if name == "triad":
        return (np.zeros(n), rng.random(n), rng.random(n))
    if name == "small_table":
        return (rng.random(64), n)
    if name in ("serial_only", "per_thread_counts"):
        return (rng.random(n),)
    return (rng.random(n), np.zeros(n))
