"""The readable report of ``parevo check``."""

from __future__ import annotations

from ..cascade.audit import suite_summary
from ..cascade.compiled.findings import loop_summary
from ..cascade.profile import flags_text, headline_factors
from ..results import AuditReport, Report, first_limit, from_dict

_MARK = {
    "ok": "PASS",
    "compile_error": "FAIL",
    "runtime_error": "FAIL",
    "timeout": "FAIL",
    "wrong": "FAIL",
    "race": "FAIL",
}


def render_stored(data: dict | None) -> str | None:
    """The text of a stored report (``Report.to_dict``), as ``parevo check`` prints it: the
    Report tab of the panel and of the notebook widget shows this, not a copy of its own."""
    if not data or not data.get("verdict"):
        return None
    try:
        return render(from_dict(Report, data))
    except (TypeError, KeyError, ValueError, AttributeError):
        return None  # a report cut short on disk: the data is still shown, the text is not


def render(report: Report) -> str:
    lines = [
        f"{_MARK[report.verdict]} {report.verdict}  {report.candidate.get('path') or '<source>'}"
        f":{report.candidate['function']}  on task {report.task['name']}",
        f"  {report.summary}",
        "",
    ]
    lines += _compile(report)
    lines += compiled_lines(report.compiled)
    lines += _verify(report)
    lines += _races(report)
    lines += _profile(report)
    lines += projection_lines(report.projection)
    seconds = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    if seconds:
        # wall seconds of each stage as the parent saw them: "compile" includes starting the
        # child and compiling the reference, so it is more than the kernel's own compile above
        lines.append(f"wall time per stage: {seconds}")
    return "\n".join(lines)


def _compile(report: Report) -> list[str]:
    c = report.compile
    if c is None:
        return ["compile: not run"]
    if not c.ok:
        out = [f"compile: FAILED ({c.error.kind})", f"  {c.error.summary}"]
        if c.error.site and c.error.site.text:
            out.append(f"  {c.error.site.line:>4} | {c.error.site.text}")
        return out
    how = "from numba's cache" if c.cached else "cold"
    out = [f"compile: ok in {c.seconds:.2f} s ({how}), signature {c.signature}"]
    for loop in c.loops:
        reductions = f", reductions: {', '.join(loop.reductions)}" if loop.reductions else ""
        detail = f" ({loop.detail})" if loop.detail else ""
        out.append(f"  prange at line {loop.line}: {loop.status}{detail}{reductions}")
    for w in c.warnings:
        where = f"line {w.line}: " if w.line else ""
        out.append(f"  warning {w.category}: {where}{w.message.splitlines()[0][:160]}")
    out += [f"  note: {n}" for n in c.notes]
    if not c.reference_compiled and c.reference_note:
        out.append(f"  note: {c.reference_note}")
    return out


def compiled_lines(view) -> list[str]:
    """The compiled view: one line a loop ("line 14: parallel, vectorised x8" or "line 14:
    parallel, NOT vectorised: float reduction without fastmath at line 15 `s += x[i]`"), then
    the fix of each finding."""
    if view is None:
        return []
    if view.status != "analysed":
        out = [f"compiled: {'not made' if view.status == 'failed' else 'not run'}"]
        return out + [f"  note: {n}" for n in view.notes]
    source = "LLVM's remarks" if view.remarks == "llvm" else "the IR alone"
    where = ", stored at the cold compile" if view.cached else ""
    out = [f"compiled (from {source}{where}):"]
    for loop in [*view.loops, *view.serial]:
        out.append(f"  {loop.summary or loop_summary(loop)}")
        out += [f"      fix: {f.fix}" for f in loop.findings if f.fix]
    if not view.loops:
        out.append("  no parallel loop was compiled (numba made no gufunc)")
    if view.hoisted:
        out.append(f"  numba moved out of the loops: {'; '.join(view.hoisted)}")
    out += [f"  note: {n}" for n in view.notes]
    return out


def _verify(report: Report) -> list[str]:
    v = report.verify
    if v is None or (not v.cases and v.failure is None):
        why = " (the candidate did not compile)" if report.compile and not report.compile.ok else ""
        return [f"verify: not run{why}"]
    passed = sum(1 for case in v.cases if case.passed)
    if v.failure is None:
        sizes = sorted({case.size for case in v.cases})
        threads = sorted({case.threads for case in v.cases})
        out = [
            f"verify: ok, {passed} runs passed (sizes {', '.join(map(str, sizes))}; "
            f"threads {', '.join(map(str, threads))}; boundscheck pass included)"
        ]
    else:
        f = v.failure
        out = [f"verify: FAILED after {passed} passing runs", f"  {f.verdict}: {f.message}"]
        if f.site and f.site.text:
            out.append(f"  {f.site.line:>4} | {f.site.text}")
        if f.detail and f.verdict != "wrong":
            out += [f"  | {line}" for line in f.detail.strip().splitlines()[-4:]]
    out += [f"  note: {s}" for s in v.skipped]
    return out


def _profile(report: Report) -> list[str]:
    p = report.profile
    if p is None:
        return ["profile: not run (the candidate did not pass verification)"]
    if not p.ran:
        return ["profile: not run"] + [f"  note: {n}" for n in p.notes]
    layer = f", {p.threading_layer} threading layer" if p.threading_layer else ""
    out = [f"profile: bench size {p.size}, {p.usable_cores} usable core(s){layer}"]
    if p.serial:
        out.append(f"  serial numba reference   {_ms(p.serial)}")
    if p.serial_same_flags:
        out.append(
            f"  ... with the candidate's flags ({flags_text(p.flags)})  {_ms(p.serial_same_flags)}"
        )
    if p.python:
        out.append(f"  pure-Python reference    {_ms(p.python)}")
    for threads, timing in sorted(p.candidate.items(), key=lambda kv: int(kv[0])):
        vs = p.speedup.get("vs_serial", {}).get(threads)
        self_ = p.speedup.get("self", {}).get(threads)
        out.append(
            f"  candidate, {threads:>2} thread(s)   {_ms(timing)}"
            + (f"   vs_serial {_speed(vs)}" if vs else "")
            + (f"   self {_speed(self_)}" if self_ else "")
        )
    out += _headline(p)
    ceiling = p.ceiling
    if ceiling.get("compute_speedup"):
        parts = [
            f"{t} threads: compute {c:.2f}x, memory {ceiling['bandwidth_gbs'][t]:.0f} GB/s"
            for t, c in sorted(ceiling["compute_speedup"].items(), key=lambda kv: int(kv[0]))
        ]
        out.append(f"  machine ceiling ({'; '.join(parts)})")
    if p.speedup.get("vs_python"):
        out.append(
            f"  vs_python (compile gain, not parallel speedup): {_speed(p.speedup['vs_python'])}"
        )
    if p.failure:
        out.append(f"  FAILED {p.failure.verdict}: {p.failure.message}")
    out += [f"  note: {n}" for n in p.notes]
    return out


def projection_lines(projection) -> list[str]:
    """The projection beyond this machine: one line of projected speedups with the limiting
    bound where it changes, the sentence of the first limit, and what was assumed."""
    if projection is None:
        return []
    if projection.status != "projected":
        return ["projection: none: " + projection.reason, ""]
    kind = "vs serial" if projection.kind == "vs_serial" else "self"
    parts, previous = [], None
    for point in projection.points:
        mark = f" {point.bound}" if point.bound != previous else ""
        parts.append(f"{point.threads}: {point.speedup:.2f}x{mark}")
        previous = point.bound
    out = [
        f"projection ({kind}, {projection.schedule} schedule, machine '{projection.machine}'; "
        "projected, not measured):",
        "  " + " · ".join(parts),
    ]
    limited = first_limit(projection.points)
    if limited is not None:
        out.append(f"  limit from {limited.threads} threads: {limited.detail}")
    if projection.dynamic and projection.points:
        top_static, top_dynamic = projection.points[-1], projection.dynamic[-1]
        if top_dynamic.speedup > 1.1 * top_static.speedup:
            out.append(
                f"  a dynamic schedule (numba.set_parallel_chunksize under TBB) projects "
                f"{top_dynamic.speedup:.2f}x at {top_dynamic.threads} threads"
            )
    out += [f"  assumed: {a}" for a in projection.assumptions]
    out += [f"  note: {n}" for n in projection.notes]
    return [*out, ""]


def _headline(p) -> list[str]:
    """vs_serial at the most threads, and the factors that multiply to it."""
    vs = p.speedup.get("vs_serial") or {}
    if not vs:
        return []
    top = max(vs, key=int)
    parts = [f"{name} {_speed(s)}" for name, s in headline_factors(p.speedup, p.flags, top)]
    split = f" = {' x '.join(parts)}" if parts else ""
    return [f"  headline: {_speed(vs[top])} vs serial at {top} threads{split}"]


def _ms(timing) -> str:
    return (
        f"median {timing.median_s * 1e3:9.3f} ms  [{timing.ci_low_s * 1e3:.3f}, "
        f"{timing.ci_high_s * 1e3:.3f}]  n={len(timing.samples)}"
        + ("  NOISY" if timing.noisy else "")
    )


def _speed(s: dict) -> str:
    return f"{s['value']:.2f}x [{s['ci_low']:.2f}-{s['ci_high']:.2f}]" + (
        "" if s["significant"] else " (no speedup)"
    )


def _races(report: Report) -> list[str]:
    r = report.races
    out = [f"races: {r.status.replace('_', ' ')}" + (f" ({r.reason})" if r.reason else "")]
    for entry in r.entries:
        out.append(f"  {_race_headline(entry)}")
    out += [f"  unchecked: line {u['line']}: {u['reason']}" for u in r.unchecked]
    out += [f"  note: {n}" for n in r.notes]
    if r.entries:
        out.append("  (parevo races TASK CANDIDATE prints each as a trace)")
    return out


def _race_headline(entry: dict) -> str:
    a, b = entry["first"], entry["second"]
    if entry["source"] == "lint":
        return f"{entry['kind']} on `{entry['array']}`: {entry['message']}"
    return (
        f"{entry['kind']} on `{entry['array']}`{_element(entry['index'])}: line {a['line']} "
        f"(iteration {a['iteration']}) vs line {b['line']} (iteration {b['iteration']}), "
        f"{entry['count']} conflict{'s' if entry['count'] != 1 else ''}"
    )


def _element(index) -> str:
    if index is None:
        return ""
    if isinstance(index, dict):
        return f" (element offset {index['element_offset']})"
    return "[" + ", ".join(map(str, index)) + "]"


def render_races(report: Report, first: int | None = None) -> str:
    """Every race entry (or the ``first`` ones) as a trace, in the manner of a sanitizer report."""
    r = report.races
    rule = "=" * 72
    blocks = []
    for entry in r.entries[:first]:
        a, b = entry["first"], entry["second"]
        lines = [rule]
        if entry["source"] == "lint":
            lines.append(
                f"WARNING: ParEVO race ({entry['kind']}) on scalar `{entry['array']}` "
                f"in the prange loop at line {entry['loop_line']}"
            )
            lines.append(f"  {entry['message']}")
            lines += _caret("  here", a)
            if (b["line"], b["column"]) != (a["line"], a["column"]):
                lines += _caret("  and here", b)
        else:
            lines.append(
                f"WARNING: ParEVO race: {entry['kind']} on `{entry['array']}`"
                f"{_element(entry['index'])} in the prange loop at line {entry['loop_line']}"
            )
            first_kind = {"write-write": "write", "read-write": "read", "write-read": "write"}
            second_kind = {"write-write": "write", "read-write": "write", "write-read": "read"}
            kind = entry.get("example_kind", entry["kind"])
            lines += _caret(f"  {first_kind[kind]} by iteration {a['iteration']}", a)
            lines += _caret(f"  {second_kind[kind]} by iteration {b['iteration']}", b)
            chunks = entry.get("different_chunks") or {}
            apart = [p for p, different in chunks.items() if different]
            lines.append(
                f"  {entry['count']} conflict(s) at this pair of sites; the two iterations run on "
                + (
                    f"different threads at {', '.join(apart)} threads"
                    if apart
                    else "the same thread at 2, 4 and 8 threads (static chunks)"
                )
            )
            more = [e for e in entry.get("examples", [])[1:]]
            for example in more:
                lines.append(
                    f"  also: element {_element(example['index']).strip()} by iterations "
                    f"{example['iterations'][0]} and {example['iterations'][1]}"
                )
        blocks.append("\n".join(lines))
    summary = f"races: {r.status}" + (f" ({r.reason})" if r.reason else "")
    tail = [summary]
    tail += [f"unchecked: line {u['line']}: {u['reason']}" for u in r.unchecked]
    tail += [f"note: {n}" for n in r.notes]
    if r.inputs_checked:
        tail.append(
            f"replayed {r.inputs_checked} check-size input(s) in {r.replay_seconds:.3f} s "
            f"(replay compile {r.compile_seconds:.2f} s)"
        )
    return "\n".join([*blocks, rule if blocks else "", *tail]).lstrip("\n")


def _caret(label: str, site: dict) -> list[str]:
    where = f"line {site['line']}, column {site['column']}"
    if site.get("function"):
        where += f" in {site['function']}"
    text = site["text"]
    return [
        f"{label} ({site.get('access', '')}) at {where}:",
        f"    {site['line']:>5} | {text}",
        f"          | {' ' * (site['column'] or 0)}^",
    ]


# ------------------------------------------------------------------ parevo audit


def render_audit(report: AuditReport, diffs: bool = True) -> str:
    """The readable report of ``parevo audit TASK.py``: the score, then every mutant that
    verification accepted, with what it changed, what input it says is missing, its file."""
    mark = "WEAK" if report.counts.get("survived") else "PASS"
    lines = [
        f"{mark} audit of {report.task.get('name', '?')}: {report.summary} "
        f"(in {report.seconds:.0f} s)"
    ]
    if report.statement and report.score is not None:
        lines.append(f"  note: {report.statement}")
    survived = [m for m in report.mutants if m.status == "survived"]
    equivalent = [m for m in report.mutants if m.status == "equivalent"]
    if survived:
        lines += ["", "survived: wrong kernels your inputs call ok"]
        for m in survived:
            lines += _mutant_lines(m, diffs)
            lines.append(f"      missing: {m.hint}")
            lines.append(f"      {m.message}")
    if equivalent:
        lines += [
            "",
            f"probably equivalent: they agree with the reference on every verification case and "
            f"on {report.probe_inputs} extra inputs from make_inputs; if one is not, make_inputs "
            "never produces the input that tells it apart",
        ]
        for m in equivalent:
            lines += _mutant_lines(m, diffs=False)
            lines.append(f"      if it is not equivalent: {m.hint}")
    killed: dict[str, int] = {}
    for m in report.mutants:
        if m.status == "killed":
            killed[m.verdict] = killed.get(m.verdict, 0) + 1
    if killed:
        by = ", ".join(f"{v} {n}" for v, n in sorted(killed.items(), key=lambda kv: -kv[1]))
        lines += ["", f"killed: {by}"]
    if report.out:
        lines.append(f"mutant files and audit.json: {report.out}")
    return "\n".join(lines)


def _mutant_lines(m, diffs: bool) -> list[str]:
    lines = [f"  {m.id} {m.operator:<18} {m.description}"]
    if m.path:
        lines.append(f"      try it: parevo check TASK.py {m.path}")
    if diffs and m.diff:
        body = [ln.rstrip("\n") for ln in m.diff.splitlines() if not ln.startswith(("---", "+++"))]
        lines += [f"      {ln}" for ln in body]
    return lines


def render_suite_audit(reports: list) -> str:
    """``parevo audit --suite``: one line per task, the survivors named, the totals."""
    lines = [
        f"{'task':<52} {'mutants':>7} {'killed':>6} {'surv.':>5} {'equiv.':>6} {'still.':>6} "
        f"{'score':>6} {'s':>5}"
    ]
    for name, report in reports:
        c = report.counts
        score = f"{report.score:.3f}" if report.score is not None else "-"
        lines.append(
            f"{name[:52]:<52} {c.get('generated', 0):>7} {c.get('killed', 0):>6} "
            f"{c.get('survived', 0):>5} {c.get('equivalent', 0):>6} {c.get('stillborn', 0):>6} "
            f"{score:>6} {report.seconds:>5.0f}"
        )
        for m in report.mutants:
            if m.status == "survived":
                lines.append(f"    survived {m.id} {m.operator}: {m.description}"[:160])
    totals = suite_summary(reports)["totals"]
    score = f"{totals['score']:.3f}" if totals["score"] is not None else "-"
    lines.append(
        f"{'all ' + str(len(reports)) + ' tasks':<52} {totals['generated']:>7} "
        f"{totals['killed']:>6} {totals['survived']:>5} {totals['equivalent']:>6} "
        f"{totals['stillborn']:>6} {score:>6} {totals['seconds']:>5.0f}"
    )
    return "\n".join(lines)
