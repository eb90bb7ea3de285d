"""The projection beyond this machine (a report's ``projection``: docs/scaling.md) in the reports:
its table (per thread count the projected speedup, what limits it there, and the dynamic
schedule's), in the notebook HTML of a check (``display``) and in the run report (``run``), whose
section also draws each thread's share of the loops' work (``figures.loop_work``)."""

from __future__ import annotations

from ..results import first_limit
from . import figures
from .escape import code_span, md_cell
from .notebook import Document
from .tables import ratio, text

PROJECTION_COLUMNS = [
    ("threads", "threads", text),
    ("speedup", "projected", ratio),
    ("bound", "limited by", text),
    ("dynamic", "dynamic schedule", ratio),
]


def projection_rows(projection: dict | None) -> list[dict]:
    """A projection (a report's, status "projected") as table rows: per thread count, the
    projected speedup under the kernel's own schedule, what limits it, and under the dynamic one
    (a static kernel's; none for a kernel that is dynamic already)."""
    if (projection or {}).get("status") != "projected":
        return []
    dynamic = {pt["threads"]: pt["speedup"] for pt in projection.get("dynamic") or []}
    return [
        {
            "threads": pt["threads"],
            "speedup": pt["speedup"],
            "bound": pt["bound"],
            "dynamic": dynamic.get(pt["threads"]),
        }
        for pt in sorted(projection.get("points") or [], key=lambda pt: pt["threads"])
    ]


def projection_section(doc: Document, projection: dict | None, best: dict) -> None:
    """The run report's part on the best candidate's projection: what it says and assumed, the
    table and each thread's share of the loops' work; a refused projection says why."""
    if not projection:
        return
    rows = projection_rows(projection)
    if not rows:
        doc.markdown(
            f"Not projected beyond this machine: {md_cell(projection.get('reason') or '?')}"
        )
        return
    limit = first_limit(projection["points"])
    doc.markdown(
        f"### Projected to {rows[-1]['threads']} threads\n\nProjected, not measured: from one "
        f"timed serial replay, on machine {code_span(projection.get('machine') or '?')}"
        + (f". {md_cell(limit['detail'])}" if limit else ".")
        + "\n\n"
        + "\n".join(f"- assumed: {md_cell(a)}" for a in projection.get("assumptions") or [])
    )
    over = "serial numba" if projection.get("kind") == "vs_serial" else "its own 1-thread time"
    doc.table(
        "projection",
        rows,
        PROJECTION_COLUMNS,
        f"Projected speedup of the best kernel #{best['id']} over {over} (its "
        f"{projection.get('schedule') or 'static'} schedule unless said), and what limits it",
    )
    doc.figure("loop_work", figures.loop_work(projection), "run_report.loop_work_figure(data)")
