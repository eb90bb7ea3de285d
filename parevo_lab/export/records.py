"""The three kinds of dataset record built from evaluated candidates (docs/datasets.md).

- ``sft``: a task's sequential reference -> its best verified candidate (verdict ok, race detector
  clean, faster than serial with the lower end of its 95% interval at least ``min_ci``);
- ``preference``: two correct candidates of one task whose measured intervals do not overlap, the
  faster ``chosen``, the slower ``rejected``;
- ``repair``: a candidate, the typed feedback its evaluation gave, and the child made from it.

Every record is a flat dict of JSON values with the same keys in every record of its kind (so
``datasets`` and pyarrow infer one schema); its ``id`` is a hash of its content's identity, so the
same candidate read from two sources is one record.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
from dataclasses import dataclass
from itertools import combinations

from ..cells import reference_view
from ..evolution.feedback import from_report
from .sources import Entry

SPEEDUP_KINDS = ("vs_serial", "vs_serial_same_flags", "self")

INSTRUCTION = (
    "Write a parallel version of the sequential Python kernel below with numba "
    "(@njit(parallel=True) and prange, or the parallel primitives of parevo_lab.primitives). "
    "It must return exactly what `reference` returns for every input, without data races, and "
    "run faster than the sequential kernel compiled with numba."
)


# -- what every record carries ---------------------------------------------------------------


def record_id(kind: str, *parts: str) -> str:
    return hashlib.sha256("\0".join((kind, *parts)).encode()).hexdigest()[:16]


def verified(entry: Entry) -> bool:
    """Correct and race-free: the cascade's verdict ok with the race detector clean."""
    return entry.verdict == "ok" and (entry.report.get("races") or {}).get("status") == "clean"


def docstring(source: str) -> str:
    try:
        return ast.get_docstring(ast.parse(source)) or ""
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ""


def primitives_called(source: str) -> list[str]:
    """The parevo_lab.primitives functions a candidate calls, sorted."""
    from .. import primitives

    known = {
        n for n in dir(primitives) if not n.startswith("_") and callable(getattr(primitives, n))
    }
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    imported: dict[str, str] = {}  # local name -> primitive
    modules: set[str] = set()  # local names of the primitives module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "parevo_lab.primitives"
        ):
            for alias in node.names:
                imported[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.ImportFrom) and node.module == "parevo_lab":
            modules.update(a.asname or a.name for a in node.names if a.name == "primitives")
        elif isinstance(node, ast.Import):
            modules.update(
                a.asname for a in node.names if a.name == "parevo_lab.primitives" and a.asname
            )
    called = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in imported:
            called.add(imported[func.id])
        elif isinstance(func, ast.Attribute) and _dotted(func.value) in modules | {
            "parevo_lab.primitives"
        }:
            called.add(func.attr)
    return sorted(called & known)


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def speedups(report: dict) -> list[dict]:
    """Each measured speedup with its 95% interval, one row per kind and thread count: vs_serial
    (against the reference compiled serially), vs_serial_same_flags (the parallel gain alone, the
    reference with the candidate's flags), self (against the candidate at one thread)."""
    table = ((report.get("profile") or {}).get("speedup")) or {}
    rows = []
    for kind in SPEEDUP_KINDS:
        for threads, value in sorted((table.get(kind) or {}).items(), key=lambda kv: int(kv[0])):
            if value and value.get("value") is not None:
                rows.append(
                    {
                        "kind": kind,
                        "threads": int(threads),
                        "value": value["value"],
                        "ci_low": value.get("ci_low"),
                        "ci_high": value.get("ci_high"),
                    }
                )
    return rows


def top_speedup(report: dict) -> dict | None:
    """vs_serial at the most threads measured (what faster@1 and the run's ranking read)."""
    rows = [r for r in speedups(report) if r["kind"] == "vs_serial"]
    return max(rows, key=lambda r: r["threads"]) if rows else None


def times(report: dict) -> list[dict]:
    """The candidate's measured time per thread count: median and its 95% interval, seconds."""
    timed = ((report.get("profile") or {}).get("candidate")) or {}
    return [
        {
            "threads": int(threads),
            "median_s": t["median_s"],
            "ci_low_s": t["ci_low_s"],
            "ci_high_s": t["ci_high_s"],
        }
        for threads, t in sorted(timed.items(), key=lambda kv: int(kv[0]))
        if t
    ]


def machine(report: dict) -> dict:
    """The machine it was measured on and what parallelism can give there (its ceiling)."""
    m = report.get("machine") or {}
    ceiling = ((report.get("profile") or {}).get("ceiling")) or {}
    compute = ceiling.get("compute_speedup") or {}
    bandwidth = ceiling.get("bandwidth_speedup") or {}
    return {
        "usable_cores": m.get("usable_cores"),
        "processor": m.get("processor") or "",
        "platform": m.get("platform") or "",
        "python": m.get("python") or "",
        "numba": m.get("numba") or "",
        "parevo_lab": m.get("parevo_lab") or "",
        "ceiling": [
            {
                "threads": int(p),
                "compute_speedup": compute.get(p),
                "bandwidth_speedup": bandwidth.get(p),
            }
            for p in sorted(compute, key=int)
        ],
    }


def provenance(entry: Entry) -> dict:
    return {
        "source": entry.unit.kind,
        "name": entry.unit.name,
        "run": entry.run,
        "candidate": entry.id,
        "generator": entry.generator,
        "model": entry.model,
    }


# -- the three kinds -------------------------------------------------------------------------


def _task_fields(entry: Entry) -> dict:
    return dict(_task_texts(entry.task_id, entry.task_hash, entry.task_source))


@functools.lru_cache(maxsize=256)
def _task_texts(task: str, task_hash: str, source: str) -> tuple:
    """What every record of one task repeats (two parses of the task file: once per task, not
    once per record)."""
    return (
        ("task", task),
        ("task_hash", task_hash),
        ("instruction", INSTRUCTION),
        ("docstring", docstring(source)),
        ("input", reference_view(source)),
    )


def positive(entry: Entry, min_ci: float) -> dict | None:
    """The headline speedup (``top_speedup``) of a verified positive: a candidate a generator
    made (not the seed), verified, the lower end of its vs_serial interval at least ``min_ci``.
    None for any other candidate."""
    top = top_speedup(entry.report)
    if entry.origin == "seed" or not verified(entry) or top is None:
        return None
    return top if top["ci_low"] is not None and top["ci_low"] >= min_ci else None


def sft_records(entries: list[Entry], min_ci: float) -> list[dict]:
    """One record per task: its best verified positive (``positive``), by the lower end of its
    interval."""
    best: dict[str, tuple[tuple, Entry, dict]] = {}
    for entry in entries:
        top = positive(entry, min_ci)
        if top is None:
            continue
        rank = (top["ci_low"], top["value"])
        held = best.get(entry.task_hash)
        if held is None or rank > held[0]:
            best[entry.task_hash] = (rank, entry, top)
    out = []
    for _, entry, top in best.values():
        out.append(
            {
                "id": record_id("sft", entry.task_hash, entry.source_hash),
                **_task_fields(entry),
                "test": entry.task_source,
                "output": entry.source,
                "function": entry.function,
                "primitives": primitives_called(entry.source),
                "move": entry.label,
                "lineage": entry.lineage,
                "family": entry.family,
                "origin": entry.origin,
                "genome": json.dumps(entry.genome) if entry.genome is not None else "",
                "verdict": entry.verdict,
                "races": (entry.report.get("races") or {}).get("status") or "",
                "threads": top["threads"],
                "speedup": top["value"],
                "speedup_ci_low": top["ci_low"],
                "speedup_ci_high": top["ci_high"],
                "speedups": speedups(entry.report),
                "times": times(entry.report),
                "size": (entry.report.get("profile") or {}).get("size"),
                "machine": machine(entry.report),
                "provenance": provenance(entry),
            }
        )
    return out


@dataclass(frozen=True)
class Timed:
    """What ordering two candidates reads of one: where it was timed, at which size, and its
    times and vs_serial speedups by thread count."""

    where: tuple  # (platform, usable cores, processor)
    size: int | None
    times: dict  # threads -> {threads, median_s, ci_low_s, ci_high_s}
    vs_serial: dict  # threads -> {kind, threads, value, ci_low, ci_high}

    @classmethod
    def of(cls, entry: Entry) -> Timed | None:
        """None when the candidate was not profiled."""
        profile = entry.report.get("profile") or {}
        if not profile.get("ran"):
            return None
        m = machine(entry.report)
        return cls(
            where=(m["platform"], m["usable_cores"], m["processor"]),
            size=profile.get("size"),
            times={t["threads"]: t for t in times(entry.report)},
            vs_serial={r["threads"]: r for r in speedups(entry.report) if r["kind"] == "vs_serial"},
        )


def ordered(
    a: Entry, b: Entry, min_ratio: float = 1.0, timed: dict | None = None
) -> tuple[Entry, Entry, dict] | None:
    """(faster, slower, figures) when the two were measured apart: timed on the same machine and
    input size, compared at the most threads both ran, the faster's time interval lies wholly
    below the slower's, its vs_serial interval wholly above, and the conservative ratio (the
    slower's interval low end over the faster's high end) is above ``min_ratio`` (and above 1).
    None when the measurements cannot order them. ``timed``: ``Timed.of`` by entry id, read once
    for many pairs."""
    ka, kb = (timed[id(e)] if timed is not None else Timed.of(e) for e in (a, b))
    if ka is None or kb is None or (ka.where, ka.size) != (kb.where, kb.size):
        return None
    common = set(ka.times) & set(kb.times) & set(ka.vs_serial) & set(kb.vs_serial)
    if not common:
        return None
    threads = max(common)
    ta, tb, sa, sb = (
        ka.times[threads],
        kb.times[threads],
        ka.vs_serial[threads],
        kb.vs_serial[threads],
    )
    if ta["median_s"] > tb["median_s"]:
        a, b, ta, tb, sa, sb = b, a, tb, ta, sb, sa
    if not (ta["ci_high_s"] < tb["ci_low_s"] and sa["ci_low"] > sb["ci_high"]):
        return None
    ratio_low = tb["ci_low_s"] / ta["ci_high_s"]
    if ratio_low <= max(1.0, min_ratio):
        return None
    return (
        a,
        b,
        {
            "threads": threads,
            "chosen_time": ta,
            "rejected_time": tb,
            "ratio": tb["median_s"] / ta["median_s"],
            "ratio_ci_low": ratio_low,
            "chosen_speedup": sa["value"],
            "rejected_speedup": sb["value"],
        },
    )


def preference_records(entries: list[Entry], min_ratio: float = 1.0) -> list[dict]:
    """Every pair of verified candidates of one task that the measurements order."""
    by_task: dict[str, dict[str, Entry]] = {}
    for entry in entries:
        if verified(entry):
            by_task.setdefault(entry.task_hash, {}).setdefault(entry.source_hash, entry)
    out = []
    for task_hash in sorted(by_task):
        group = sorted(by_task[task_hash].values(), key=lambda e: e.source_hash)
        timed = {id(e): Timed.of(e) for e in group}
        for a, b in combinations(group, 2):
            found = ordered(a, b, min_ratio, timed)
            if found is None:
                continue
            chosen, rejected, figures = found
            out.append(
                {
                    "id": record_id(
                        "preference", task_hash, chosen.source_hash, rejected.source_hash
                    ),
                    **(fields := _task_fields(chosen)),
                    "prompt": INSTRUCTION + "\n\n" + fields["input"],
                    "chosen": chosen.source,
                    "rejected": rejected.source,
                    "chosen_move": chosen.label,
                    "rejected_move": rejected.label,
                    **figures,
                    "size": (chosen.report.get("profile") or {}).get("size"),
                    "machine": machine(chosen.report),
                    "chosen_provenance": provenance(chosen),
                    "rejected_provenance": provenance(rejected),
                }
            )
    return out


def feedback(report: dict) -> dict:
    """The typed feedback of one evaluation, as repair reads it (evolution/feedback.py), with the
    evidence behind it: the compile error's site, the race's two sites, the mismatching input."""
    typed = from_report(report).to_dict()
    kind = typed["kind"] if typed["kind"] != "ok" else "profile"
    error = ((report.get("compile") or {}).get("error")) or {}
    race = ((report.get("races") or {}).get("entries") or [None])[0]
    failure = ((report.get("verify") or {}).get("failure")) or {}
    case = failure.get("case") or {}

    def site(s):
        s = s or {}
        return {
            "line": s.get("line"),
            "text": (s.get("text") or "").strip(),
            "iteration": s.get("iteration"),
        }

    return {
        **typed,
        "kind": kind,
        "compile_error": {
            "kind": error.get("kind") or "",
            "summary": error.get("summary") or "",
            "line": (error.get("site") or {}).get("line"),
        }
        if error
        else None,
        "race": {
            "array": race.get("array") or "",
            "kind": race.get("kind") or "",
            "index": json.dumps(race.get("index")),
            "first": site(race.get("first")),
            "second": site(race.get("second")),
        }
        if race and typed["kind"] == "race"
        else None,
        "mismatch": {
            "message": failure.get("message") or "",
            "case": case.get("kind") or "",
            "size": case.get("size"),
            "seed": case.get("seed"),
        }
        if failure and typed["kind"] in ("wrong", "runtime_error", "timeout")
        else None,
    }


def fixed(parent: Entry, child: Entry) -> bool:
    """A failing parent is fixed by a correct, race-free child; a correct one by a child the
    measurements order above it."""
    if parent.verdict != "ok":
        return verified(child)
    if not verified(child):
        return False
    found = ordered(parent, child)
    return found is not None and found[0] is child


def repair_records(entries: list[Entry]) -> list[dict]:
    """(candidate, feedback) -> child for every evaluated child of an evaluated parent."""
    by_run: dict[tuple, dict[int, Entry]] = {}
    for entry in entries:
        if entry.run is not None:
            by_run.setdefault((str(entry.unit.database), entry.run), {})[entry.id] = entry
    out = []
    for run in by_run.values():
        for child in run.values():
            parent = run.get(child.parent) if child.parent is not None else None
            if parent is None:
                continue
            out.append(
                {
                    "id": record_id(
                        "repair", child.task_hash, parent.source_hash, child.source_hash
                    ),
                    **_task_fields(child),
                    "candidate": parent.source,
                    "candidate_verdict": parent.verdict,
                    "feedback": feedback(parent.report),
                    "child": child.source,
                    "child_verdict": child.verdict,
                    "child_summary": child.report.get("summary") or "",
                    "move": child.label,
                    "family": child.family,
                    "origin": child.origin,
                    "fixed": fixed(parent, child),
                    "machine": machine(child.report),
                    "provenance": provenance(child),
                }
            )
    return out
