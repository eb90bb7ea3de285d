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

from .cells import reference_with_lines
from .errors import NotFoundError
from .evolution import RUN_FILE
from .schema import best_of, best_row, candidate_row
from .store import Store


class RunNotFound(NotFoundError):
    """The folder holds no run yet, or the run has no such candidate."""


def read_run(folder: str | os.PathLike, candidates: bool = True) -> dict | None:
    """The last run recorded in ``folder`` (``schema.RUN_STATE``): its database status, counts,
    best and candidates.

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
        rows = store.candidates(run["id"])
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
        "population": len(rows),
        "evaluations": len(evaluated),
        "evaluating": evaluating,
        "best": best_row(best_of(rows)),
    }
    if candidates:
        out["candidates"] = [
            candidate_row(r, "evaluating" if r["id"] == evaluating else None) for r in rows
        ]
    return out


def candidate_detail(folder: str | os.PathLike, candidate_id: int, figure: bool = True) -> dict:
    """One candidate in full: its row, source, parent (id, label, source, compiled view), the task's reference
    (``cells.reference_with_lines``: the task without what only the verifier reads; ``reference_lines``:
    the task file's number of each of its lines), its evaluation
    report (as data, and as the text ``parevo check`` prints), and the plotly
    speedup-versus-threads figure (JSON) when it was profiled (``figure=False`` skips building
    it: the notebook widget draws its own plot)."""
    from .report.figures import speedup_vs_threads
    from .report.text import render_stored

    database = Path(folder) / RUN_FILE
    if not database.exists():
        raise RunNotFound(f"{folder} holds no run yet (no {RUN_FILE})")
    with Store(database) as store:
        runs = store.runs()
        if not runs:
            raise RunNotFound(f"{folder} holds no run yet")
        run = runs[-1]
        row = store.candidate(run["id"], candidate_id)
        if row is None:
            raise RunNotFound(f"the run in {folder} has no candidate {candidate_id}")
        source = store.kernel_source(row["source_hash"]) or ""
        parent = None
        if row["parent_id"]:
            prow = store.candidate(run["id"], row["parent_id"])
            if prow:
                evaluated = store.report(prow["evaluation_id"]) if prow["evaluation_id"] else None
                parent = {
                    "id": prow["id"],
                    "label": prow["label"],
                    "source": store.kernel_source(prow["source_hash"]) or "",
                    # its compiled view: the Compiled tab says what the child changed
                    "compiled": (evaluated or {}).get("compiled"),
                }
        report = store.report(row["evaluation_id"]) if row["evaluation_id"] else None
        reference, numbers = reference_with_lines(store.task_source(run["task_hash"]) or "")
    out = candidate_row(row)
    plot = None
    if figure and report and (report.get("profile") or {}).get("ran"):
        drawn = speedup_vs_threads(
            report["profile"], title=row["label"], projection=report.get("projection")
        )
        plot = json.loads(drawn.to_json())
    out.update(
        source=source,
        function=row["function"],
        parent=parent,
        reference=reference,
        reference_lines=numbers,  # the task file's number of each line
        report=report,
        report_text=render_stored(report),
        figure=plot,
    )
    return out
