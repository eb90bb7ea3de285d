"""The report of one evolution run (the folder ``parevo evolve --out DIR`` writes).

``load(folder)`` reads ``run.sqlite`` (through ``rundir`` and the store); the figures and tables below take what it
returns, so a notebook cell can re-create each of them: ``progress_figure(load("runs/x"))``.

Every string of the run (the task's name and path, labels, summaries, the reason it stopped, the
model's name, sources and traces) enters the Markdown through ``escape``; sources are shown in
fenced blocks, never as code cells, so that running the report's notebook runs no candidate.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..cascade.duel import retime_text
from ..cascade.profile import headline_factors
from . import figures
from .escape import code_span, fence, md, md_cell
from .notebook import Document, ReportError, ceiling_text
from .projection import projection_rows, projection_section
from .tables import ratio, text

MAX_RACE_TRACES = 5  # candidates whose race traces the report prints in full
MAX_TRACE_LINES = 40
LABEL_WIDTH = 72


@dataclass
class RunData:
    folder: Path
    run: dict  # ``rundir.read_run``: status, reason, generator, seed, settings, best, candidates
    task: dict  # path, name, hash
    task_source: str
    candidates: list[dict]  # the candidate rows (``rundir.CANDIDATE_KEYS``), in id order
    reports: dict[int, dict] = field(default_factory=dict)  # evaluation reports by candidate id
    sources: dict[int, str] = field(default_factory=dict)  # candidate sources by candidate id

    @property
    def evaluated(self) -> list[dict]:
        """Evaluated candidates, in the order they were evaluated (the order of their ids)."""
        return [m for m in self.candidates if m["verdict"]]

    @property
    def best(self) -> dict | None:
        """The fastest correct candidate (``rundir.best_of``: the earliest among equals)."""
        best = self.run.get("best")
        return next((m for m in self.candidates if best and m["id"] == best["id"]), None)

    @property
    def seed(self) -> dict | None:
        return next((m for m in self.candidates if m["origin"] == "seed"), None)

    def profile(self, candidate: dict | None) -> dict | None:
        if candidate is None:
            return None
        profile = (self.reports.get(candidate["id"]) or {}).get("profile")
        return profile if profile and profile.get("ran") else None

    @property
    def ceiling(self) -> dict:
        """The machine's measured ceiling, as the best's profile (or any profile) recorded it."""
        ordered = [self.best, *self.candidates]
        for candidate in ordered:
            profile = self.profile(candidate)
            if profile and profile.get("ceiling"):
                return profile["ceiling"]
        return {}

    @property
    def machine(self) -> dict:
        for report in self.reports.values():
            if report.get("machine"):
                return report["machine"]
        return {}


def load(folder) -> RunData:
    """Read a run folder (``rundir.read_run`` for the run and its candidate rows, the store for
    the evaluation reports and sources); raises ReportError when it holds no run."""
    from ..evolution import RUN_FILE
    from ..rundir import read_run
    from ..store import Store

    folder = Path(folder)
    database = folder / RUN_FILE
    if not database.is_file():
        raise ReportError(
            f"{folder} has no {RUN_FILE}: give the folder that `parevo evolve TASK --out DIR` "
            "wrote (or use --bench for a `parevo bench --out` folder)"
        )
    state = read_run(folder)
    if state is None:
        raise ReportError(f"{database} holds no run yet: start one with `parevo evolve`")
    candidates = state["candidates"]
    with Store(database) as store:  # the same run: read_run reads the last one too
        run = next(r for r in store.runs() if r["id"] == state["run"])
        rows = {r["id"]: r for r in store.candidates(run["id"])}
        reports = {
            i: store.report(r["evaluation_id"]) for i, r in rows.items() if r["evaluation_id"]
        }
        sources = {i: store.kernel_source(r["source_hash"]) or "" for i, r in rows.items()}
        task_source = store.task_source(run["task_hash"]) or ""
    described = next((r["task"] for r in reports.values() if r and r.get("task")), None) or {}
    task = {"path": described.get("path"), "name": state["task"], "hash": run["task_hash"]}
    if not task["name"]:
        path = Path(task["path"] or folder / "task.py")
        task["name"] = path.parent.name if path.stem == "task" else path.stem
    return RunData(folder, state, task, task_source, candidates, reports, sources)


def _speedup_detail(data: RunData, candidate: dict) -> dict | None:
    profile = data.profile(candidate)
    if profile is None or not candidate.get("threads"):
        return None
    return ((profile.get("speedup") or {}).get("vs_serial") or {}).get(str(candidate["threads"]))


def _ci(detail: dict | None) -> str | None:
    if not detail:
        return None
    out = f"[{detail['ci_low']:.2f}, {detail['ci_high']:.2f}]"
    return out if detail.get("significant", True) else out + " (no speedup)"


def _short(label: str) -> str:
    """The label, cut at the last word that fits (never mid-word) with an ellipsis."""
    if len(label) <= LABEL_WIDTH:
        return label
    cut = label[: LABEL_WIDTH - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > LABEL_WIDTH // 2 else cut).rstrip(" ,;:") + "…"


CANDIDATE_COLUMNS = [
    ("id", "id", text),
    ("parent", "parent", text),
    ("verdict", "verdict", text),
    ("speedup", "speedup", ratio),
    ("ci", "95% CI", text),
    ("threads", "threads", text),
    ("retimed", "re-timed vs the best", text),
    ("label", "change", text),
]


LOOP_COLUMNS = [
    ("line", "line", text),
    ("loop", "loop", text),
    ("vectorised", "vectorised", text),
    ("finding", "finding", text),
    ("at", "at", text),
    ("fix", "usual fix", text),
]


def loop_rows(view: dict | None) -> list[dict]:
    """A compiled view (a report's ``compiled``) as table rows: one per finding (one per loop
    without)."""
    view = view or {}
    rows = []
    for loop in view.get("loops") or []:
        if loop.get("origin") == "array_expression":
            kind = "array expression"
        elif loop.get("role") == "serialised":
            kind = "prange run serially"
        else:
            kind = "prange" if loop.get("line") == loop.get("prange_line") else "inner loop"
        status = loop.get("status")
        if status == "vectorised":
            lanes = f"x{loop['width']}" if loop.get("width") else "yes"
            vector = lanes + (
                f", interleave {loop['interleave']}" if loop.get("interleave") else ""
            )
        else:
            vector = "no loop left (memset)" if status == "no_loop" else "no"
        base = {"line": loop.get("line"), "loop": kind, "vectorised": vector}
        for found in loop.get("findings") or [None]:
            row = dict(base, finding="", at="", fix="")
            if found:
                where = (
                    f"{found['line']}: {found.get('expression', '')}" if found.get("line") else ""
                )
                row.update(finding=found.get("title", ""), at=where, fix=found.get("fix", ""))
            rows.append(row)
    return rows


def _retimed(candidate: dict) -> str | None:
    """A candidate's re-timing against the best of its time, in a table cell."""
    retimed = candidate.get("retimed")
    if not retimed:
        return None
    if retimed.get("ratio") is None:
        return f"vs #{retimed['against']}: failed"
    outcome = "confirmed" if candidate.get("confirmed") else "not faster"
    return f"{retimed['ratio']:.2f}x vs #{retimed['against']}, {outcome}"


def candidate_rows(data: RunData) -> list[dict]:
    """One row per candidate in id order: the lineage (parent), the verdict, the speedup over serial
    numba with its confidence interval ("projected" for the scaling model's), the thread count, its re-timing against the best (when it
    would have become the best) and what the candidate changed."""
    rows = []
    for m in data.candidates:
        rows.append(
            {
                "id": f"#{m['id']}",
                "parent": f"#{m['parent_id']}" if m["parent_id"] else None,
                "verdict": m["verdict"] or "pending",
                "speedup": m["speedup"],
                # a projected figure (--target-threads beyond the cores) has no interval
                "ci": "projected" if m.get("projected") else _ci(_speedup_detail(data, m)),
                "threads": m["threads"],
                "retimed": _retimed(m),
                "label": _short(m["label"]),
            }
        )
    return rows


def progress_figure(data: RunData):
    return figures.progress(data.evaluated, data.ceiling, title=f"Run of {data.task['name']}")


def speedup_figure(data: RunData):
    """The best candidate's speedup against threads (None when it was never timed)."""
    best = data.best
    profile = data.profile(best)
    if profile is None:
        return None
    return figures.speedup_vs_threads(
        profile,
        title=f"Best candidate #{best['id']}",
        projection=(data.reports.get(best["id"]) or {}).get("projection"),
    )


def loop_work_figure(data: RunData, threads: int = 16):
    """Each thread's share of the best candidate's loops (None without a projection of it)."""
    best = data.best
    projection = (data.reports.get(best["id"]) or {}).get("projection") if best else None
    if not projection_rows(projection):
        return None
    return figures.loop_work(projection, threads)


def _header(data: RunData) -> str:
    run, settings = data.run, data.run.get("settings") or {}
    budget = (settings.get("budget") or {}).get("evaluations")
    verdicts: dict[str, int] = {}
    for m in data.evaluated:
        verdicts[m["verdict"]] = verdicts.get(m["verdict"], 0) + 1
    counted = ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items(), key=lambda kv: -kv[1]))
    machine = data.machine
    model = (settings.get("llm") or {}).get("model") if run["generator"] == "llm" else None
    lines = [
        f"- **task** {code_span(data.task['name'])} ({md_cell(data.task['path'] or 'path unknown')})",
        f"- **generator** {md_cell(run['generator'])}"
        + (f" (model {code_span(model)})" if model else "")
        + f", **budget** {md_cell(budget or '?')} evaluations, **seed** {md_cell(run['seed'])}, "
        f"**islands** {md_cell(settings.get('islands', '?'))}",
        f"- **status** {md_cell(run['status'])}"
        + (f" ({md_cell(run['reason'])})" if run["reason"] else ""),
        f"- **evaluations** {len(data.evaluated)} ({md_cell(counted or 'none yet')}) of "
        f"{len(data.candidates)} candidates; run started {md_cell(run['created'])}",
    ]
    if machine:
        lines.append(
            "- **machine** "
            + md_cell(
                f"{machine.get('platform', '?')}, {machine.get('usable_cores', '?')} usable cores, "
                f"numba {machine.get('numba', '?')}, parevo-lab {machine.get('parevo_lab', '?')}"
            )
        )
    lines.append(f"- **machine ceiling** {md_cell(ceiling_text(data.ceiling))}")
    best = data.best
    if best is None:
        lines.append("- **best** no correct candidate")
    else:
        detail = _speedup_detail(data, best)
        speed = f"{best['speedup']:.2f}x" if best["speedup"] else "not timed"
        if detail:
            speed += f" {_ci(detail)}"
        ceiling = (data.ceiling.get("compute_speedup") or {}).get(str(best["threads"]))
        of = f" of an attainable {ceiling:.2f}x" if ceiling and best["speedup"] else ""
        at = f" at {best['threads']} threads" if best["threads"] else ""
        best_text = f"#{best['id']}: {speed}{of} vs serial numba{at}"
        lines.append(f"- **best** {md_cell(best_text)}")
        split = _split(data.profile(best), best["threads"])
        if split:
            lines.append(f"- **where it comes from** {md_cell(split)}")
        retimed = best.get("retimed")
        if best.get("confirmed") and retimed:
            lines.append(f"- **confirmed** {md_cell(retime_text(best['id'], retimed, True))}")
    kept_out = sum(1 for m in data.evaluated if m.get("confirmed") is False)
    if kept_out:
        lines.append(
            f"- **kept out** {kept_out} candidate(s) that looked faster but were not surely "
            "faster when re-timed against the best, interleaved"
        )
    return "\n".join(lines)


def _ref(candidate: dict, start: bool = False) -> str:
    """``#id`` in Markdown; ``start``: it begins a block (a list item), where ``#`` is escaped
    (nbconvert reads ``- #2 ...`` as a list item holding a heading: ``#2`` without a space)."""
    return (md if start else md_cell)(f"#{candidate['id']}")


def _split(profile: dict | None, threads) -> str:
    """The best's headline as the factors that multiply to it (``headline_factors``)."""
    if not profile:
        return ""
    factors = headline_factors(profile.get("speedup") or {}, profile.get("flags") or {}, threads)
    return " × ".join(f"{name} {s['value']:.2f}x" for name, s in factors)


def _best_section(doc: Document, data: RunData) -> None:
    from ..evolution import BEST_FILE

    best = data.best
    if best is None:
        doc.markdown("## The best kernel\n\nNo candidate of this run is correct.")
        return
    seed = data.seed
    where = data.folder / BEST_FILE
    saved = f" (saved as {code_span(where)})" if where.is_file() else ""
    doc.markdown(
        f"## The best kernel: {_ref(best)}{saved}\n\n{md(best['label'], code=True)}\n\n"
        + fence(data.sources.get(best["id"], ""), "python")
    )
    if seed is not None and seed["id"] == best["id"]:
        doc.markdown(
            "No parallel candidate beat the serial reference on this machine: the best is the "
            "reference itself."
        )
    else:
        if seed is not None:
            before, name = data.sources.get(seed["id"], ""), f"reference (seed #{seed['id']})"
        else:
            before, name = data.task_source, "task file"
        diff = difflib.unified_diff(
            before.splitlines(),
            data.sources.get(best["id"], "").splitlines(),
            fromfile=name,
            tofile=f"best #{best['id']}",
            lineterm="",
        )
        doc.markdown(f"### What it changed against the {name}\n\n" + fence("\n".join(diff), "diff"))
    loops = loop_rows((data.reports.get(best["id"]) or {}).get("compiled"))
    if loops:
        doc.markdown(
            "### What LLVM made of its loops\n\nFrom the compiler's own vectorisation remarks "
            "(`parevo explain` shows each loop's assembly)."
        )
        doc.table(
            "loops",
            loops,
            LOOP_COLUMNS,
            f"Loops of the best kernel #{best['id']}: vectorised or not, and why",
        )
    figure = speedup_figure(data)
    if figure is None:
        doc.markdown("The best candidate was not timed (the run skipped profiling).")
    else:
        doc.markdown(
            "### Speedup versus threads\n\nWith its 95% confidence interval and the "
            "machine's measured ceiling."
        )
        doc.figure("speedup_vs_threads", figure, "run_report.speedup_figure(data)")
        projection_section(doc, (data.reports.get(best["id"]) or {}).get("projection"), best)


def _races_section(doc: Document, data: RunData) -> None:
    from ..results import Report, from_dict
    from .text import render_races

    racy = [m for m in data.candidates if m["verdict"] == "race" and data.reports.get(m["id"])]
    if not racy:
        return
    parts = [f"## Races\n\n{len(racy)} candidate(s) raced; each trace names both sites."]
    for m in racy[:MAX_RACE_TRACES]:
        trace = render_races(from_dict(Report, data.reports[m["id"]])).splitlines()
        if len(trace) > MAX_TRACE_LINES:
            trace = trace[:MAX_TRACE_LINES] + [f"... ({len(trace) - MAX_TRACE_LINES} more lines)"]
        parts.append(
            f"### {_ref(m)}: {md(m['label'], code=True)}\n\n" + fence("\n".join(trace), "text")
        )
    rest = racy[MAX_RACE_TRACES:]
    if rest:
        parts.append("Also raced: " + ", ".join(_ref(m) for m in rest))
    doc.markdown("\n\n".join(parts))


def document(data: RunData) -> Document:
    """The run's report: header, progress, candidates and lineage, the best kernel, races."""
    doc = Document(f"ParEVO Lab run report: {data.task['name']}")
    doc.markdown(_header(data))
    doc.code(
        "from parevo_lab.report import run as run_report\n\n"
        f"data = run_report.load({str(data.folder.resolve())!r})"
    )
    doc.markdown("## Progress\n\nThe best correct speedup after each evaluation.")
    doc.figure("progress", progress_figure(data), "run_report.progress_figure(data)")
    doc.markdown("## Candidates and lineage")
    doc.table(
        "candidates",
        candidate_rows(data),
        CANDIDATE_COLUMNS,
        f"Candidates of the {data.run['generator']} run on {data.task['name']}: speedup over "
        "serial numba",
    )
    _best_section(doc, data)
    _races_section(doc, data)
    failed = [m for m in data.evaluated if m["verdict"] not in ("ok", "race")]
    if failed:
        doc.markdown(
            "## Other failures\n\n"
            + "\n".join(
                f"- {_ref(m, start=True)} **{md_cell(m['verdict'])}**: {md_cell(m['summary'])}"
                for m in failed
            )
        )
    return doc
