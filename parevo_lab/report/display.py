"""Rich notebook displays of a check's report and of an evolution's result (HTML, no scripts).

The HTML is static, so it survives saving the notebook, nbconvert and GitHub's viewer; the race
trace is shown in full because that is what a student needs to see when a kernel is wrong.
``register`` tells IPython's HTML formatter about the result types by name, so the schema's
classes carry no display code (the package does it on import inside IPython, and
``%load_ext parevo_lab`` again). Every value in the HTML goes through ``escape.html``.
"""

from __future__ import annotations

from ..cascade.profile import flags_text
from ..results import AuditReport, Report, first_limit
from .escape import html as escape
from .text import render, render_races

_COLOUR = {"ok": "#009E73", "race": "#D55E00", "wrong": "#D55E00"}
_STYLE = (
    "font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:13px;"
    "border-left:4px solid {colour};padding:4px 10px;margin:2px 0"
)
_PRE = (
    "font-family:var(--jp-code-font-family,monospace);font-size:12px;margin:4px 0;"
    "white-space:pre;overflow-x:auto"
)


def _badge(verdict: str) -> str:
    colour = _COLOUR.get(verdict, "#E69F00")
    return (
        f'<span style="background:{colour};color:#fff;border-radius:3px;padding:0 6px;'
        f'font-weight:600">{escape(verdict)}</span>'
    )


def _speedup_table(report: Report) -> str:
    p = report.profile
    if p is None or not p.ran or report.verdict != "ok":  # a wrong kernel's speed means nothing
        return ""
    ceiling = (p.ceiling or {}).get("compute_speedup") or {}

    def label(s: dict | None) -> str:
        if not s:
            return "-"
        text = f"{s['value']:.2f}x [{s['ci_low']:.2f}-{s['ci_high']:.2f}]"
        return text if s["significant"] else text + " (no speedup)"

    rows = []
    for threads in sorted(p.candidate, key=int):
        vs = (p.speedup.get("vs_serial") or {}).get(threads)
        if not vs:
            continue
        self_ = (p.speedup.get("self") or {}).get(threads)
        limit = f"{ceiling[threads]:.2f}x" if threads in ceiling else "-"
        cells = (threads, label(vs), label(self_), limit)
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    if not rows:
        return ""
    noisy = " (noisy timings: rerun on a quiet machine)" if p.noisy else ""
    layer = f", {p.threading_layer} threading layer" if p.threading_layer else ""
    split = ""
    codegen = p.speedup.get("codegen")
    if codegen and p.flags:
        split = (
            f"<div>The candidate's flags ({escape(flags_text(p.flags))}) alone: {escape(label(codegen))} "
            "(the serial reference built with them); the rest is its code and its threads.</div>"
        )
    remarks = "".join(
        f"<div>{escape(n)}</div>" for n in p.notes if "above this machine's measured" in n
    )
    return (
        f"<div>Speedup over serial numba at bench size {escape(f'{p.size:,}{layer}')}"
        f"{escape(noisy)}:</div>"
        '<table style="border-collapse:collapse;margin:2px 0"><thead><tr>'
        "<th>threads</th><th>vs serial (95% CI)</th><th>self: over 1 thread</th>"
        "<th>machine ceiling</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        f"{split}{remarks}"
    )


def _projection_table(report: Report) -> str:
    """The projection to 64 threads: per thread count the projected speedup and what limits it
    (as in the run report), the first limit in words and the assumptions behind it."""
    from .projection import PROJECTION_COLUMNS, projection_rows

    projection = report.projection
    if projection is None or report.verdict != "ok":
        return ""
    if projection.status != "projected":
        return f"<div>Not projected beyond this machine: {escape(projection.reason)}</div>"
    rows = projection_rows(projection.to_dict())
    if not rows:
        return ""
    head = "".join(f"<th>{escape(title)}</th>" for _, title, _ in PROJECTION_COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{escape(fmt(row[key]))}</td>" for key, _, fmt in PROJECTION_COLUMNS)
        + "</tr>"
        for row in rows
    )
    over = "serial numba" if projection.kind == "vs_serial" else "its own 1-thread time"
    limit = first_limit(projection.points)
    assumed = "".join(f"<li>{escape(a)}</li>" for a in projection.assumptions)
    return (
        f"<div>Speedup over {escape(over)} projected to {escape(rows[-1]['threads'])} threads "
        f"({escape(projection.schedule)} schedule, machine {escape(projection.machine)}): "
        "<b>projected, not measured</b></div>"
        '<table class="parevo-projection" style="border-collapse:collapse;margin:2px 0">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        + (f"<div>{escape(limit.detail)}</div>" if limit else "")
        + (f"<details><summary>Assumed</summary><ul>{assumed}</ul></details>" if assumed else "")
    )


def _compiled_table(report: Report) -> str:
    """The compiled view: one row a finding (a loop without one gets one row), as in the run
    report; a loop's assembly is `parevo explain`'s, or the panel's Compiled tab."""
    from .run import LOOP_COLUMNS, loop_rows

    view = report.compiled
    if view is None or view.status != "analysed" or not view.loops:
        return ""
    rows = loop_rows(view.to_dict())
    head = "".join(f"<th>{escape(title)}</th>" for _, title, _ in LOOP_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(row[key])}</td>" for key, _, _ in LOOP_COLUMNS) + "</tr>"
        for row in rows
    )
    return (
        "<div>What LLVM made of the loops:</div>"
        '<table class="parevo-compiled" style="border-collapse:collapse;margin:2px 0">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def report_html(report: Report) -> str:
    """A check's verdict, summary, race trace (when it raced), speedups and the full text."""
    colour = _COLOUR.get(report.verdict, "#E69F00")
    parts = [
        f'<div class="parevo-report" style="{_STYLE.format(colour=colour)}">',
        f"<div>{_badge(report.verdict)} <b>{escape(report.candidate.get('function', ''))}</b>"
        f" on task <b>{escape(report.task.get('name', ''))}</b></div>",
        f"<div>{escape(report.summary)}</div>",
    ]
    if report.races.entries:
        # the first pair in full; the others folded with their count (a student reads one)
        parts.append(
            f'<div><b>Race trace</b></div><pre style="{_PRE}">'
            f"{escape(render_races(report, first=1))}</pre>"
        )
        more = len(report.races.entries) - 1
        if more:
            parts.append(
                f"<details><summary>{more} more conflicting pair{'s' if more > 1 else ''} of "
                f'accesses</summary><pre style="{_PRE}">{escape(render_races(report))}</pre>'
                "</details>"
            )
    if report.compile and report.compile.error:
        error = report.compile.error
        text = f"{error.kind} error: {error.summary}"
        if error.site and error.site.text:
            text += f"\n  {error.site.line:>5} | {error.site.text}"
        parts.append(f'<pre style="{_PRE}">{escape(text)}</pre>')
    parts.append(_speedup_table(report))
    parts.append(_projection_table(report))
    parts.append(_compiled_table(report))
    parts.append(
        f'<details><summary>Full report</summary><pre style="{_PRE}">'
        f"{escape(render(report))}</pre></details>"
    )
    parts.append("</div>")
    return "".join(parts)


def evolve_html(result) -> str:
    """An evolution's outcome: the best candidate, the first correct one and the lineage table."""
    best = result.best
    first = result.first_ok()
    head = (
        escape(
            f"best #{best.id} {best.speedup:.2f}x over serial numba at {best.threads} threads: "
            f"{best.label}"
        )
        if best and best.speedup
        else ("best: the serial reference (untimed)" if best else "no correct candidate")
    )
    rows = []
    for m in result.candidates:
        speed = f"{m.speedup:.2f}x" if m.speedup else "-"
        parent = f"#{m.parent_id}" if m.parent_id else ""
        cells = (f"#{m.id}", parent, m.verdict or "pending", speed, m.label)
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    return (
        f'<div class="parevo-evolve" style="{_STYLE.format(colour="#0072B2")}">'
        f"<div><b>{escape(result.task.name)}</b>: {escape(result.evaluations)} evaluations in "
        f"{result.seconds:.0f} s, stopped: {escape(result.reason)}</div><div>{head}</div>"
        + (
            f"<div>first correct parallel candidate after {escape(first)} evaluations</div>"
            if first
            else ""
        )
        + f"<div>run folder: <code>{escape(str(result.out))}</code></div>"
        "<details><summary>Lineage</summary>"
        '<table style="border-collapse:collapse"><thead><tr><th>#</th><th>parent</th>'
        "<th>verdict</th><th>speedup</th><th>candidate</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></details></div>"
    )


def audit_html(report: AuditReport) -> str:
    """``%parevo_audit`` / ``parevo_lab.audit``: the score, then each surviving mutant as the
    wrong kernel the task's inputs call ok, with the input class it says is missing."""
    survived = [m for m in report.mutants if m.status == "survived"]
    equivalent = [m for m in report.mutants if m.status == "equivalent"]
    colour = "#009E73" if not survived and report.score is not None else "#D55E00"
    head = (
        f"<div><b>Audit of task {escape(report.task.get('name', '?'))}</b>: "
        f"{escape(report.summary)} ({report.seconds:.0f} s)</div>"
    )
    parts = [head]
    if report.statement and report.score is not None:
        parts.append(f"<div>{escape(report.statement)}</div>")
    if survived:
        parts.append(
            "<div>Each of these is a <b>wrong kernel your inputs call ok</b>: add the missing "
            "input class to <code>make_inputs</code> (at the seeds and sizes verification uses) "
            "and audit again.</div>"
        )
    for m in survived:
        parts.append(_mutant_html(m, f"missing: {m.hint}. {m.message}"))
    if equivalent:
        names = ", ".join(f"{m.id} ({m.description})" for m in equivalent)
        parts.append(
            f"<details><summary>{len(equivalent)} probably equivalent (they agree with the "
            f"reference on {escape(report.probe_inputs)} extra inputs too; if one is not, make_inputs "
            f"never produces the input that tells it apart)</summary><div>{escape(names)}</div>"
            "</details>"
        )
    return (
        f'<div class="parevo-audit" style="{_STYLE.format(colour=colour)}">{"".join(parts)}</div>'
    )


def _mutant_html(m, note: str) -> str:
    where = f"<div>file: <code>{escape(m.path)}</code></div>" if m.path else ""
    return (
        f'<div style="margin-top:6px"><b>{escape(m.id)}</b> {escape(m.operator)}: '
        f"{escape(m.description)}<div>{escape(note)}</div>{where}"
        f'<pre style="{_PRE}">{escape(m.diff)}</pre></div>'
    )


# (module, class, renderer): the notebook's HTML for each result type.
DISPLAYS = (
    ("parevo_lab.results", "Report", report_html),
    ("parevo_lab.results", "AuditReport", audit_html),
    ("parevo_lab.evolution.engine", "EvolveResult", evolve_html),
)


def register(ipython) -> None:
    """Show reports, audits and evolution results as HTML in ``ipython`` (an IPython shell)."""
    formatter = ipython.display_formatter.formatters["text/html"]
    for module, name, render_html in DISPLAYS:
        formatter.for_type_by_name(module, name, render_html)
