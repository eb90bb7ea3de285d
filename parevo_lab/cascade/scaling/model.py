"""The scaling model: the timed replay's per-block costs -> projected time at P threads.

For every entry of every prange loop (one parallel region), numba's schedule is replayed on the
measured block costs: ``static`` splits the iterations into P contiguous chunks (numba's default
with every threading layer); ``dynamic`` hands out chunks of C iterations to whichever thread is
free first (``numba.set_parallel_chunksize(C)`` under TBB), C = iterations / (16 P). An entry takes
the longest thread's work, slowed by the machine's per-thread efficiency at P, or the time to move
the bytes its footprint moves at the machine's bandwidth at P (a written line counted twice,
as the triad's bandwidth is), whichever is longer; a footprint within half the last-level
cache moves nothing (the cache is shared, never all of it free). The kernel's time is

    T(P) = a * serial + sum over entries of that + regions * fork_join(P)

where ``serial`` is the time outside prange loops and ``a`` scales the instrumented serial run to
the real kernel's measured time at one thread (so T(1) is the measurement). The bound named at
P is ``work`` while the even share of the work is at least 75% of T(P) (it scales as its work
allows); otherwise the largest of the rest: imbalance (the longest thread's excess over the even
share), serial, bandwidth (an entry whose footprint takes longer to move than its work to do)
or overhead (fork-join).
"""

from __future__ import annotations

import heapq

from ...results import LoopWork, Projection, ProjectionPoint
from .machines import MAX_THREADS, MachineProfile

DYNAMIC_CHUNKS_PER_THREAD = 16
BOUNDS = ("work", "imbalance", "serial", "bandwidth", "overhead")
WORK_BOUND = 0.75
CACHE_SHARE = 0.5  # of the last-level cache a loop's footprint may fill and still stay there


def thread_counts(limit: int = MAX_THREADS) -> list[int]:
    counts, p = [], 1
    while p <= limit:
        counts.append(p)
        p *= 2
    return counts


# ------------------------------------------------------------------ schedules


def _prefix(costs: list[float]) -> list[float]:
    out, total = [0.0], 0.0
    for c in costs:
        total += c
        out.append(total)
    return out


def _work_between(prefix: list[float], block: int, iterations: int, lo: int, hi: int) -> float:
    """Work of iterations [lo, hi), the cost of a block spread evenly over its iterations."""

    def upto(i: int) -> float:
        if i >= iterations:
            return prefix[-1]
        b, within = divmod(i, block)
        size = min(block, iterations - b * block)
        return prefix[b] + (prefix[b + 1] - prefix[b]) * within / size

    return max(0.0, upto(hi) - upto(lo))


def static_split(prefix, block: int, iterations: int, p: int) -> list[float]:
    """Per-thread work under numba's static schedule: P contiguous chunks of equal length."""
    cuts = [iterations * t // p for t in range(p + 1)]
    return [_work_between(prefix, block, iterations, cuts[t], cuts[t + 1]) for t in range(p)]


def dynamic_split(prefix, block: int, iterations: int, p: int, chunk: int) -> list[float]:
    """Per-thread work when chunks of ``chunk`` iterations go to the first free thread."""
    threads = [(0.0, t) for t in range(p)]
    work = [0.0] * p
    for lo in range(0, iterations, chunk):
        busy, t = heapq.heappop(threads)
        cost = _work_between(prefix, block, iterations, lo, min(iterations, lo + chunk))
        work[t] += cost
        heapq.heappush(threads, (busy + cost, t))
    return work


def dynamic_chunk(iterations: int, p: int) -> int:
    return max(1, iterations // (DYNAMIC_CHUNKS_PER_THREAD * p))


# ------------------------------------------------------------------ the projection


def limiting(terms: dict[str, float], time_s: float) -> str:
    """``work`` while the evenly shared work is at least WORK_BOUND of the time (the loop scales
    as well as its work allows), else the largest of the other terms: what stops it scaling."""
    if time_s <= 0 or terms["work"] >= WORK_BOUND * time_s:
        return "work"
    return max(BOUNDS[1:], key=lambda b: terms[b])


def project(
    measured: dict,
    machine: MachineProfile,
    one_thread_s: float | None,
    serial_reference_s: float | None,
    threads: list[int] | None = None,
) -> Projection:
    """The projection of a kernel from its timed replay (``measured``, scaling/__init__.py)."""
    if measured.get("status") != "measured":
        return Projection(
            status="not_projected",
            reason=measured.get("reason") or "the timed replay did not run",
            machine=machine.name,
            notes=list(measured.get("notes", [])),
        )
    threads = threads or thread_counts(min(MAX_THREADS, max(machine.cores, 1)))
    loops = measured["loops"]
    entries = [(loop, e) for loop in loops for e in loop["entries"]]
    work_s = sum(sum(e["costs"]) for _, e in entries)
    serial_s = max(0.0, float(measured["serial_s"]))
    instrumented = serial_s + work_s
    notes = list(measured.get("notes", []))
    if not entries or work_s <= 0:
        reason = (
            "no prange loop ran on the bench input: the kernel is serial (1x at any thread count)"
            if loops or not measured.get("opaque")
            else "its parallel work is in calls the replay cannot time"
        )
        return Projection(
            status="not_projected", reason=reason, machine=machine.name, notes=notes,
            measured=measured,
        )  # fmt: skip

    regions = sum(e.get("regions", 1) for _, e in entries)
    ratio = machine.clock_ratio or 1.0
    scale = 1.0 / ratio
    if one_thread_s and instrumented > 0:
        scale = max(0.0, one_thread_s - regions * machine.fork_join(1)) / instrumented / ratio
        anchor = "the candidate's measured time at 1 thread"
    else:
        anchor = "the instrumented serial run (no 1-thread timing)"
        notes.append("no timing at 1 thread: projected from the instrumented run's own time")
    kind = "vs_serial" if serial_reference_s else "self"
    base = serial_reference_s / ratio if serial_reference_s else None

    cache = CACHE_SHARE * machine.llc_mb * 2**20
    prepared = []
    for loop, entry in entries:
        footprint = entry.get("footprint") or entry.get("bytes") or 0
        resident = cache > 0 and footprint <= cache
        moved = 0.0 if resident else float(entry.get("bytes") or 0.0)
        prepared.append((loop, entry, _prefix(entry["costs"]), moved))

    splits: dict[tuple[int, int, str], list[float]] = {}

    def split(index: int, p: int, schedule: str) -> list[float]:
        """Per-thread work of entry ``index`` at ``p`` threads (computed once: the points, the
        limit's sentence and each loop's picture read the same split)."""
        key = (index, p, schedule)
        if key not in splits:
            _, entry, prefix, _ = prepared[index]
            n, block = entry["iterations"], entry["block"]
            splits[key] = (
                static_split(prefix, block, n, p)
                if schedule == "static"
                else dynamic_split(prefix, block, n, p, dynamic_chunk(n, p))
            )
        return splits[key]

    def at(p: int, schedule: str):
        eff = machine.efficiency(p)
        terms = dict.fromkeys(BOUNDS, 0.0)
        terms["serial"] = scale * serial_s
        terms["overhead"] = regions * machine.fork_join(p)
        worst = None
        for index, (loop, entry, prefix, moved) in enumerate(prepared):
            per_thread = split(index, p, schedule)
            total = prefix[-1]
            longest = max(per_thread) if per_thread else 0.0
            even = scale * total / p / eff
            compute = scale * longest / eff
            memory = moved / machine.bandwidth(p) if moved else 0.0
            if memory > compute:  # the entry waits on memory, however its work is split
                terms["bandwidth"] += memory
            else:
                terms["work"] += even
                terms["imbalance"] += compute - even
            excess = longest - total / p
            if worst is None or excess > worst[0]:
                worst = (excess, loop, entry, per_thread)
        return sum(terms.values()), terms, worst

    one, _, _ = at(1, "static")
    shown = [p for p in thread_counts() if p <= max(threads)]
    loop_work = []
    for loop in loops:
        indices = [i for i, (lp, *_) in enumerate(prepared) if lp is loop]
        mine = [(prepared[i][1], prepared[i][2]) for i in indices]
        total = sum(pre[-1] for _, pre in mine)
        per_thread = {"static": {}, "dynamic": {}}
        for p in shown:
            for schedule in per_thread:
                sums = [
                    sum(work)
                    for work in zip(*(split(i, p, schedule) for i in indices), strict=True)
                ]
                sums = sums or [0.0] * p
                per_thread[schedule][str(p)] = [round(s / total, 5) if total else 0.0 for s in sums]
        loop_work.append(
            LoopWork(
                line=loop["line"],
                function=loop["function"],
                entries=sum(e.get("regions", 1) for e, _ in mine),
                iterations=sum(e["iterations"] for e, _ in mine),
                share=round(total / instrumented, 4) if instrumented else 0.0,
                bytes=sum(e.get("bytes") or 0 for e, _ in mine) or None,
                per_thread=per_thread,
            )
        )
    # the loop that opens the most parallel regions: what an overhead limit names
    busiest = max((w for w in loop_work if w.entries), key=lambda w: w.entries, default=None)
    # the kernel's own schedule (dynamic: it set a chunk size and ran under TBB) gives the
    # points; a static kernel's dynamic schedule is projected beside them (what it would gain)
    chosen = measured.get("schedule") or "static"
    points, dynamic = [], []
    schedules = [(chosen, points)] + ([("dynamic", dynamic)] if chosen == "static" else [])
    for schedule, out in schedules:
        for p in threads:
            time_s, terms, worst = at(p, schedule)
            speedup = (base if base else one) / time_s if time_s > 0 else 0.0
            bound = limiting(terms, time_s)
            out.append(
                ProjectionPoint(
                    threads=p,
                    speedup=round(speedup, 3),
                    bound=bound,
                    time_s=time_s,
                    terms={b: round(v, 9) for b, v in terms.items()},
                )
            )
            if out is points:
                out[-1].detail = _detail(out[-1], worst, busiest, schedule)

    if measured.get("opaque"):
        notes.append(
            "parallel functions called from serial code and not timed inside ("
            + ", ".join(f"`{n}`" for n in measured["opaque"])
            + "): counted as serial time, so the projection is pessimistic"
        )
    if not machine.fork_join_us:
        notes.append("the machine profile has no fork-join cost: regions are free")
    return Projection(
        status="projected",
        reason=f"from a timed serial replay scaled to {anchor}",
        machine=machine.name,
        schedule=chosen,
        kind=kind,
        points=points,
        dynamic=dynamic,
        loops=loop_work,
        serial_fraction=round(scale * serial_s / one, 4) if one else 0.0,
        regions=regions,
        assumptions=list(machine.assumptions),
        notes=notes,
        measured=measured,
    )


def _detail(
    point: ProjectionPoint, worst, busiest: LoopWork | None = None, schedule: str = "static"
) -> str:
    p = point.threads
    if point.bound == "imbalance" and worst is not None:
        _, loop, entry, per_thread = worst
        total = sum(per_thread)
        t = max(range(p), key=lambda i: per_thread[i])
        n = entry["iterations"]
        if schedule == "dynamic":  # chunks go to free threads: no contiguous range to name
            return (
                f"imbalance: at {p} threads, in chunks of {dynamic_chunk(n, p)} iterations, the "
                f"busiest thread has {100 * per_thread[t] / total:.0f}% of the work of the loop "
                f"at line {loop['line']} (an even share is {100 / p:.0f}%): one chunk holds "
                "more work than the others can make up"
            )
        lo, hi = n * t // p, n * (t + 1) // p - 1
        return (
            f"imbalance: at {p} threads the thread with iterations {lo}-{hi} of the loop at line "
            f"{loop['line']} has {100 * per_thread[t] / total:.0f}% of its work "
            f"(an even share is {100 / p:.0f}%)"
        )
    terms = point.terms
    share = terms[point.bound] / point.time_s if point.time_s else 0.0
    words = {
        "work": "the work, evenly shared",
        "serial": "code outside the parallel loops (Amdahl)",
        "bandwidth": "moving the loops' memory footprint at the machine's bandwidth",
        "overhead": "forking and joining the parallel regions",
        "imbalance": "the longest thread's excess work",
    }[point.bound]
    said = f"{point.bound}: {100 * share:.0f}% of the projected time at {p} threads is {words}"
    if point.bound == "overhead" and busiest is not None and busiest.entries > 1:
        said += (
            f": the loop at line {busiest.line} is entered {busiest.entries:,} times, about "
            f"{busiest.iterations / busiest.entries:,.0f} iterations each, and each entry forks "
            "and joins the threads (parallelise the loop around it, or keep this one serial)"
        )
    return said
