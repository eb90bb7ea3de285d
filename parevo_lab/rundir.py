"""A run folder as every view shows it: the REST API, the notebook Workbench and the reports.

A run folder is what ``parevo evolve --out DIR`` writes: ``DIR/run.sqlite`` (population, lineage,
every evaluation) and ``DIR/best.py``. These functions only read it, so they work while the run is
still being written by another process.

    state = read_run("runs/histogram")        # None when the run has not begun
    state["status"], state["best"], state["candidates"][0]
    detail = candidate_detail("runs/histogram", 3)
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .errors import NotFoundError
from .evolution import RUN_FILE
from .store import Store

# One candidate row: the same keys in the REST API, the SSE feed, the widget and the reports.
CANDIDATE_KEYS = (
    "id",
    "parent_id",
    "origin",
    "label",
    "family",
    "island",
    "created",
    "verdict",
    "speedup",
    "threads",
    "summary",
    "tokens",
    "cost",
)


class RunNotFound(NotFoundError):
    """The folder holds no run yet, or the run has no such candidate."""


def candidate_row(row: dict, evaluating: int | None = None) -> dict:
    """A member row from ``Store.members`` reduced to the candidate schema, with its ``state``."""
    out = {k: row.get(k) for k in CANDIDATE_KEYS}
    out["state"] = (
        "evaluated" if row["verdict"] else ("evaluating" if row["id"] == evaluating else "pending")
    )
    return out


def best_of(rows: list[dict]) -> dict | None:
    """The fastest correct candidate (the earliest among equals), as ``{id, label, speedup, threads}``."""
    correct = [r for r in rows if r["verdict"] == "ok"]
    if not correct:
        return None
    best = max(correct, key=lambda r: (r["speedup"] or 0.0, -r["id"]))
    return {k: best[k] for k in ("id", "label", "speedup", "threads")}


def read_run(folder: str | os.PathLike, candidates: bool = True) -> dict | None:
    """The last run recorded in ``folder``: its database status, counts, best and candidates.

    ``status`` is what the run last wrote (``running``, ``finished``, ``stopped``, ...); whether a
    ``running`` run still has a live process is for the caller to judge. ``evaluating`` is the
    first candidate without a verdict while the run says it is running. None when the folder holds
    no run yet."""
    database = Path(folder) / RUN_FILE
    if not database.exists():
        return None
    with Store(database) as store:
        runs = store.runs()
        if not runs:
            return None
        run = runs[-1]
        rows = store.members(run["id"])
        task = store.task_name(run["task_hash"]) or ""
    evaluated = [r for r in rows if r["verdict"]]
    pending = [r for r in rows if not r["verdict"]]
    evaluating = pending[0]["id"] if pending and run["status"] == "running" else None
    out = {
        "run": run["id"],
        "task": task,
        "created": run["created"],
        "generator": run.get("generator"),
        "seed": run.get("seed"),
        "settings": run.get("settings"),
        "status": run["status"],
        "reason": run["reason"],
        "members": len(rows),
        "evaluations": len(evaluated),
        "evaluating": evaluating,
        "best": best_of(rows),
    }
    if candidates:
        out["candidates"] = [candidate_row(r, evaluating) for r in rows]
    return out


def candidate_detail(folder: str | os.PathLike, member_id: int, figure: bool = True) -> dict:
    """One candidate in full: its row, source, parent (id, label, source), the task's reference
    source, its evaluation report and the plotly speedup-versus-threads figure (JSON) when it was
    profiled (``figure=False`` skips building it: the notebook widget draws its own plot)."""
    from .report.figures import speedup_vs_threads

    database = Path(folder) / RUN_FILE
    if not database.exists():
        raise RunNotFound(f"{folder} holds no run yet (no {RUN_FILE})")
    with Store(database) as store:
        runs = store.runs()
        if not runs:
            raise RunNotFound(f"{folder} holds no run yet")
        run = runs[-1]
        row = store.member(run["id"], member_id)
        if row is None:
            raise RunNotFound(f"the run in {folder} has no candidate {member_id}")
        source = store.candidate_source(row["candidate_hash"]) or ""
        parent = None
        if row["parent_id"]:
            prow = store.member(run["id"], row["parent_id"])
            if prow:
                parent = {
                    "id": prow["id"],
                    "label": prow["label"],
                    "source": store.candidate_source(prow["candidate_hash"]) or "",
                }
        report = store.report(row["evaluation_id"]) if row["evaluation_id"] else None
        reference = store.task_source(run["task_hash"]) or ""
    out = candidate_row(row)
    plot = None
    if figure and report and (report.get("profile") or {}).get("ran"):
        plot = json.loads(speedup_vs_threads(report["profile"], title=row["label"]).to_json())
    out.update(
        source=source,
        function=row["function"],
        parent=parent,
        reference=reference,
        report=report,
        figure=plot,
    )
    return out
