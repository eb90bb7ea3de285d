"""Beyond this machine: work, span and load balance of every prange loop, projected to 64 threads.

The profile child (profile.py) calls ``measure`` after its timings, on the quiet cores: the
kernel's timed replay (instrument.py) runs serially on the bench input; each entry of each
prange loop is timed in blocks of consecutive iterations with the CPU's time-stamp counter
(clock.py, its read cost subtracted); the outputs are compared with the reference's, so a
replay that changed the kernel's results is refused, never projected; each entry's footprint of
distinct cache lines is counted by a second, traced replay (footprint.py). The parent
projects the measurement onto a machine profile (machines.py) with numba's schedules (model.py).
docs/scaling.md explains the model and its validation.
"""

from __future__ import annotations

import ast
import functools
import importlib
import sys
import time
from pathlib import Path

from ...task import fresh_copy, source_hash
from ..compile import codegen_flags
from . import clock, footprint
from .instrument import REPLAY_THREADS, Instrumenter

RUNS = 3  # timed replays; each block keeps its least cost over them (_least_disturbed)
MAX_BLOCKS = 2048  # kept in the report over all loops and entries (re-binned beyond)
MIN_BLOCKS = 128  # kept per loop however many loops there are (two per thread at 64)


def measure(module, function: str, args: tuple, matches) -> dict:
    """The timed replay of ``module.function`` on ``args``; ``matches(result, args_after)``
    says whether one call's outputs are right. Never raises: a replay that cannot be built or
    run is reported as ``not_measured`` with the reason."""
    problem = clock.supported()
    if problem:
        return {"status": "not_measured", "reason": problem}
    try:
        timed, source = build(module, function)
    except NotImplementedError as exc:
        return {"status": "not_measured", "reason": f"the timed replay cannot follow it: {exc}"}
    except Exception as exc:  # noqa: BLE001 - the projection must never hide the verdict
        return {
            "status": "not_measured",
            "reason": f"the timed replay failed to build: {_one(exc)}",
        }
    if not source.loops and not source.opaque:
        return {"status": "not_measured", "reason": "no prange loop: nothing runs in parallel"}
    runs = []
    try:
        for number in range(RUNS + 1):  # the first call compiles
            costs, entries = clock.new_buffers()
            call_args = fresh_copy(args)
            started = time.perf_counter()
            result = timed(costs, entries, *call_args)
            wall = time.perf_counter() - started
            if number == 0:
                if not matches(result, call_args):
                    return {
                        "status": "not_measured",
                        "reason": "the timed replay changed the kernel's results: not projected",
                    }
                continue
            runs.append((wall, costs, entries))
    except Exception as exc:  # noqa: BLE001
        return {"status": "not_measured", "reason": f"the timed replay raised {_one(exc)}"}
    rate, read = clock.tick_rate(), clock.read_cost()
    # the kernel's own time, from inside the compiled code (no dispatch, no boxing)
    decoded = [
        (float(entries[0, 3]) / rate, _decode(source, costs, entries, rate, read))
        for _, costs, entries in runs
    ]
    wall, loops, serial = _least_disturbed(decoded)
    serial = _unrecorded(runs[0][2], loops, serial)
    notes = []
    if source.sized_by_threads:
        notes.append(
            f"the kernel splits its work by numba.get_num_threads(): the serial replay was given "
            f"{REPLAY_THREADS} threads, so work that grows with the thread count (merging "
            f"per-thread copies) is counted at {REPLAY_THREADS} threads' size at every P: "
            "pessimistic below that"
        )
    if any(entries[0, 2] for _, _, entries in runs) and runs[0][2][0, 4] <= 0:
        notes.append("more loop entries than the replay records: later ones counted as serial")
    notes += _footprints(module, function, args, matches, loops)
    per_loop = max(MIN_BLOCKS, MAX_BLOCKS // max(1, len(loops)))
    for loop in loops:
        _rebin(loop["entries"], per_loop)
        for entry in loop["entries"]:  # four digits: the runs differ by more than that
            entry["costs"] = [float(f"{c:.4g}") for c in entry["costs"]]
    return {
        "status": "measured",
        "reason": "",
        "instrumented_s": wall,
        "instrumented_runs_s": [round(w, 6) for w, _ in decoded],
        "serial_s": serial,
        "loops": loops,
        "opaque": source.opaque,
        "tick_rate": rate,
        "read_ticks": read,
        "notes": notes,
    }


def _footprints(module, function, args, matches, loops) -> list[str]:
    """Each entry's distinct cache lines x 64 (``footprint``) and the bytes they move (``bytes``:
    written lines twice), from one traced replay; the notes
    say what was not traced. Entries are matched to the timed ones in order, loop by loop."""
    try:
        traced = build(module, function, traced=True)[0]
        state = footprint.new_state()
        out = state[-1]
        call_args = fresh_copy(args)
        result = traced(*state, *call_args)
    except Exception as exc:  # noqa: BLE001 - without footprints there is no bandwidth bound
        return [f"memory footprints not measured ({_one(exc)}): no bandwidth bound"]
    if not matches(result, call_args):
        return ["the traced replay changed the kernel's results: no bandwidth bound"]
    found: dict[int, list[tuple[int, int]]] = {}
    for row in range(1, int(out[0, 0]) + 1):
        found.setdefault(int(out[row, 0]), []).append((int(out[row, 1]), int(out[row, 2])))
    notes = []
    for loop in loops:
        lines = found.get(loop["id"], [])
        if len(lines) != len(loop["entries"]):
            notes.append(
                f"the loop at line {loop['line']} ran differently when traced: no footprint"
            )
            continue
        for entry, (touched, written) in zip(loop["entries"], lines, strict=True):
            entry["footprint"] = touched << footprint.LINE_SHIFT
            # what moves over the memory bus, counted as the triad's bandwidth is: a line read
            # once, a written line twice (in, and back)
            entry["bytes"] = (touched + written) << footprint.LINE_SHIFT
    if out[0, 1]:
        notes.append(
            f"{int(out[0, 1])} element accesses through index arrays are not in the footprints"
        )
    return notes


def _one(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first[:200]}"


def _decode(source, costs, entries, rate: float, read: float) -> list[dict]:
    loops = {
        loop.id: {"id": loop.id, "line": loop.line, "function": loop.function, "entries": []}
        for loop in source.loops
    }
    for row in range(1, int(entries[0, 0]) + 1):
        loop, iterations, block, first, blocks, elapsed = (int(v) for v in entries[row])
        ticks = costs[first : first + blocks]
        loops[loop]["entries"].append(
            {
                "iterations": iterations,
                "block": block,
                "costs": [max(0.0, (float(t) - read) / rate) for t in ticks],
                "elapsed_s": elapsed / rate,
            }
        )
    return list(loops.values())


def _unrecorded(entries, loops: list[dict], serial: float) -> float:
    """The serial seconds once the entries past the buffers are given back to their loop: when
    all of them belong to one loop, they join it as one entry of ``regions`` regions (each as
    long, and as many iterations, as that loop's recorded entries on average), their time taken
    out of the serial remainder; otherwise they stay serial (and a note says so)."""
    count, owner = int(entries[0, 2]), int(entries[0, 4]) - 1
    loop = next((lp for lp in loops if lp["id"] == owner), None) if count else None
    if loop is None or not loop["entries"]:
        return serial
    seen = loop["entries"]
    elapsed = count * sum(e["elapsed_s"] for e in seen) / len(seen)
    iterations = max(1, round(count * sum(e["iterations"] for e in seen) / len(seen)))
    work = count * sum(sum(e["costs"]) for e in seen) / len(seen)
    loop["entries"].append(
        {
            "iterations": iterations,
            "block": iterations,
            "costs": [work],
            "elapsed_s": elapsed,
            "regions": count,
        }
    )
    return max(0.0, serial - elapsed)


def _shape(loops: list[dict]) -> list:
    return [
        [(e["iterations"], e["block"], len(e["costs"])) for e in loop["entries"]] for loop in loops
    ]


def _least_disturbed(decoded: list[tuple[float, list[dict]]]):
    """One measurement from several runs: each block's least cost over the runs (a preemption
    or an interrupt only ever adds time), when every run entered the same loops the same way;
    else the run with the median total. Returns (wall, loops, serial seconds)."""
    decoded = sorted(decoded, key=lambda d: d[0])
    wall, loops = decoded[len(decoded) // 2]

    def serial(wall: float, loops: list[dict]) -> float:
        return max(0.0, wall - sum(e["elapsed_s"] for loop in loops for e in loop["entries"]))

    if all(_shape(other) == _shape(loops) for _, other in decoded):
        merged = []
        for number, loop in enumerate(loops):
            entries = []
            for index, entry in enumerate(loop["entries"]):
                runs = [other[number]["entries"][index] for _, other in decoded]
                costs = [min(c) for c in zip(*(r["costs"] for r in runs), strict=True)]
                entries.append(
                    {**entry, "costs": costs, "elapsed_s": min(r["elapsed_s"] for r in runs)}
                )
            merged.append({**loop, "entries": entries})
        return wall, merged, min(serial(w, other) for w, other in decoded)
    return wall, loops, serial(wall, loops)


def _rebin(entries: list[dict], most: int) -> None:
    """At most ``most`` costs for a loop: merge neighbouring blocks of each entry (sums kept);
    past ``most`` entries, merge runs of consecutive entries into one of a single block that
    counts the ``regions`` it stands for (their split is then taken as even)."""
    total = sum(len(e["costs"]) for e in entries)
    if total <= most:
        return
    per_entry = max(1, most // max(1, len(entries)))
    for e in entries:
        costs = e["costs"]
        if len(costs) <= per_entry:
            continue
        factor = -(-len(costs) // per_entry)
        e["costs"] = [sum(costs[i : i + factor]) for i in range(0, len(costs), factor)]
        e["block"] *= factor
    if len(entries) <= most:
        return
    size = -(-len(entries) // most)
    groups = [entries[i : i + size] for i in range(0, len(entries), size)]
    entries[:] = [
        {
            "iterations": sum(e["iterations"] for e in group),
            "block": max(1, sum(e["iterations"] for e in group)),
            "costs": [sum(sum(e["costs"]) for e in group)],
            "elapsed_s": sum(e["elapsed_s"] for e in group),
            "bytes": sum(e.get("bytes") or 0 for e in group) or None,
            "footprint": max((e.get("footprint") or 0 for e in group), default=0) or None,
            "regions": sum(e.get("regions", 1) for e in group),
        }
        for group in groups
    ]


def build(module, function: str, traced: bool = False):
    """The compiled timed replay of ``module.function`` (``traced``: the footprint replay) and
    its Replay (instrument.py): one generated module per home module of the functions cloned,
    callees first, each seeing its home module's globals."""
    from ...kernel import materialise

    replay = Instrumenter(module, "traced" if traced else "timed").kernel(function)
    generated: dict[str, str] = {}
    for home, source in replay.modules.items():
        for func in source.functions:
            original = func.name.removeprefix("_pt_timed_").removeprefix("_pf_traced_")
            original = original.removeprefix("_pt_run_")
            dispatcher = vars(sys.modules[home]).get(original)
            flags = codegen_flags(getattr(dispatcher, "targetoptions", None) or {})
            func.decorator_list = [
                ast.parse(f"_pt_numba.njit(cache=True, **{flags!r})", mode="eval").body
            ]
        header = [
            f"# {'traced' if traced else 'timed'} replay of {home}, ours {_runtime_hash()}",
            "import importlib as _pt_importlib",
            f"_pt_home = _pt_importlib.import_module({home!r})",
            "globals().update({k: v for k, v in vars(_pt_home).items() if not k.startswith('__')})",
            "import numba as _pt_numba",
            "from parevo_lab.cascade.scaling import clock as _pt",
            "from parevo_lab.cascade.scaling import footprint as _pf",
        ]
        header += [
            f"_pt_twin_{i} = _pt_importlib.import_module({generated[need]!r})"
            for i, need in enumerate(source.needs)
        ]
        body = ast.unparse(ast.Module(body=source.functions, type_ignores=[]))
        directory, name = materialise("\n".join(header) + "\n" + body + "\n", "timed")
        if str(directory) not in sys.path:
            sys.path.insert(0, str(directory))
        generated[home] = name
    root = importlib.import_module(generated[module.__name__])
    return getattr(root, replay.entry), replay


@functools.cache
def _runtime_hash() -> str:
    """The clock's and the footprint set's source: a change compiles the replays anew."""
    text = "".join(Path(m.__file__).read_text(encoding="utf-8") for m in (clock, footprint))
    return source_hash(text)[:16]
