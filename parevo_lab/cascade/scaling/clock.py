"""The timing instrumentation's clock and recorders: numba code the timed replay calls.

``ticks()`` reads the CPU's time-stamp counter (``llvm.readcyclecounter``: ``rdtsc`` on x86-64,
about 25 cycles a read here, invariant across cores and frequency changes on the CPUs this runs
on); ``tick_rate()`` converts ticks to seconds against ``time.perf_counter`` and ``read_cost()``
measures what one read costs, to subtract it from every timed block.

The recorders write into two arrays the timed kernel receives: ``costs`` (one int64 of ticks per
block of consecutive iterations, every entry of every loop one after another) and ``entries``
(row 0: entries recorded, costs used, overflow flag, the kernel's ticks from call to return;
then one row per entry of a loop: loop id,
iterations, iterations per block, first cost, blocks, ticks from entry to exit).
"""

from __future__ import annotations

import platform
import time

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

BLOCKS_PER_ENTRY = 256  # an entry of a loop is timed in at most this many blocks
ENTRY_FIELDS = 6  # loop, iterations, block, first, blocks, ticks


def supported() -> str | None:
    """None when the clock works on this CPU, else why not (one line)."""
    machine = platform.machine().lower()
    if machine not in ("x86_64", "amd64"):
        return (
            f"the timing instrumentation reads the x86-64 time-stamp counter; this CPU is "
            f"{machine}: no projection"
        )
    return None


@intrinsic
def ticks(typingctx):
    """The time-stamp counter (int64)."""

    def codegen(context, builder, signature, args):
        fnty = ir.FunctionType(ir.IntType(64), [])
        fn = builder.module.declare_intrinsic("llvm.readcyclecounter", fnty=fnty)
        return builder.call(fn, [])

    return types.int64(), codegen


@numba.njit(cache=True)
def _spin(n):
    start = ticks()
    x = 0.0
    for i in range(n):
        x += i * 0.5
    return ticks() - start, x


@numba.njit(cache=True)
def _reads(n):
    start = ticks()
    x = 0
    for _ in range(n):
        x ^= ticks()
    return ticks() - start, x


def tick_rate(seconds: float = 0.05) -> float:
    """Ticks per second, against ``time.perf_counter`` (best of three)."""
    _spin(10)
    rates = []
    n = 1 << 16
    for _ in range(3):
        while True:
            started = time.perf_counter()
            elapsed, _ = _spin(n)
            wall = time.perf_counter() - started
            if wall >= seconds:
                break
            n *= 2
        rates.append(elapsed / wall)
    return sorted(rates)[1]


def read_cost() -> float:
    """Ticks one read of the counter costs (median of five)."""
    _reads(10)
    n = 1 << 16
    return sorted(_reads(n)[0] / n for _ in range(5))[2]


def new_buffers(capacity: int = 1 << 21, entries: int = 1 << 14) -> tuple[np.ndarray, np.ndarray]:
    """Empty ``costs`` and ``entries`` arrays for one run of a timed kernel."""
    return np.zeros(capacity, np.int64), np.zeros((entries + 1, ENTRY_FIELDS), np.int64)


@numba.njit(cache=True)
def block_size(iterations):
    """Iterations per timed block: at most BLOCKS_PER_ENTRY blocks an entry."""
    if iterations <= BLOCKS_PER_ENTRY:
        return 1
    return (iterations + BLOCKS_PER_ENTRY - 1) // BLOCKS_PER_ENTRY


@numba.njit(cache=True)
def enter(costs, entries, loop, iterations, block):
    """Start an entry of ``loop``: its row in ``entries`` (-1 when the buffers are full)."""
    row = entries[0, 0] + 1
    blocks = (iterations + block - 1) // block if iterations > 0 else 0
    if row >= entries.shape[0] or entries[0, 1] + blocks + 1 > costs.shape[0]:
        # overflow: later entries are not recorded, only counted (with their loop: -1 when
        # they belong to several), so the projection still knows the regions they open
        entries[0, 2] += 1
        if entries[0, 4] == 0:
            entries[0, 4] = loop + 1
        elif entries[0, 4] != loop + 1:
            entries[0, 4] = -1
        return -1
    entries[0, 0] = row
    entries[row, 0] = loop
    entries[row, 1] = iterations
    entries[row, 2] = block
    entries[row, 3] = entries[0, 1]
    entries[row, 4] = 0
    entries[0, 1] += blocks + 1
    return row


@numba.njit(cache=True)
def put(costs, entries, row, elapsed):
    """Record one block's ticks for the entry in ``row``."""
    if row > 0:
        costs[entries[row, 3] + entries[row, 4]] = elapsed
        entries[row, 4] += 1


@numba.njit(cache=True)
def leave(entries, row, elapsed):
    if row > 0:
        entries[row, 5] = elapsed
