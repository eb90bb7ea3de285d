"""Typed feedback from one evaluation, routed by failure class: what repair reads.

The rule generator picks a fix from it; the language-model generator renders it into the prompt.
Both read the same ``Feedback``, built from the report's dict form (as the store keeps it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

REPAIRABLE = ("compile_error", "runtime_error", "timeout", "wrong", "race")


@dataclass
class Feedback:
    kind: str  # a verdict: ok, compile_error, runtime_error, timeout, wrong, race
    message: str  # the report's one-line summary
    line: int | None = None  # the candidate line the failure points at, when one is known
    loop_lines: list[int] = field(default_factory=list)  # prange loops involved (candidate lines)
    arrays: list[str] = field(default_factory=list)  # arrays a race was found on
    detail: str = ""  # a compiler message, a race's two sites, a mismatching value
    speedup: float | None = None  # vs_serial at the most threads (ok candidates)
    threads: int | None = None
    ceiling: float | None = None  # what a compute-bound kernel reaches at those threads here
    # the compiled view: one line per loop LLVM did not vectorise, or vectorised at a cost
    compiled: list[str] = field(default_factory=list)
    # the scaling model at the most threads projected: speedup, what limits it, the usual fix
    scaling: str = ""

    @property
    def repairable(self) -> bool:
        return self.kind in REPAIRABLE

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def from_report(report: dict) -> Feedback:
    """The feedback of a report (``Report.to_dict()``)."""
    verdict = report.get("verdict") or "runtime_error"
    feedback = Feedback(kind=verdict, message=report.get("summary", ""))
    compile_result = report.get("compile") or {}
    error = compile_result.get("error") or {}
    if verdict == "compile_error" and error:
        site = error.get("site") or {}
        feedback.line = site.get("line")
        feedback.detail = error.get("summary", "")
    verify = report.get("verify") or {}
    failure = verify.get("failure") or {}
    if failure and verdict in ("wrong", "runtime_error", "timeout"):
        site = failure.get("site") or {}
        feedback.line = site.get("line")
        feedback.detail = failure.get("message", "")
    races = report.get("races") or {}
    if verdict == "race":
        for entry in races.get("entries", []):
            if entry.get("array") and entry["array"] not in feedback.arrays:
                feedback.arrays.append(entry["array"])
            if entry.get("loop_line") and entry["loop_line"] not in feedback.loop_lines:
                feedback.loop_lines.append(entry["loop_line"])
        first = (races.get("entries") or [{}])[0]
        if first:
            a, b = first.get("first") or {}, first.get("second") or {}
            feedback.detail = (
                f"{first.get('kind', 'race')} on `{first.get('array')}`: line {a.get('line')} "
                f"(`{(a.get('text') or '').strip()}`, iteration {a.get('iteration')}) and line "
                f"{b.get('line')} (`{(b.get('text') or '').strip()}`, iteration "
                f"{b.get('iteration')})"
            )
            feedback.line = b.get("line") or a.get("line")
        if not races.get("entries") and verify.get("failure"):
            feedback.detail = verify["failure"].get("message", "")
    profile = report.get("profile") or {}
    failure = profile.get("failure") or {}
    if failure and not feedback.detail:
        feedback.detail = failure.get("message", "")
        site = failure.get("site") or {}
        feedback.line = feedback.line or site.get("line")
    feedback.compiled = compiled_findings(report.get("compiled") or {})
    feedback.scaling = scaling_text(report.get("projection") or {})
    vs = (profile.get("speedup") or {}).get("vs_serial") or {}
    timed = {int(p): s for p, s in vs.items() if s and s.get("value")}
    if verdict == "ok" and timed:
        top = max(timed)
        feedback.threads = top
        feedback.speedup = timed[top]["value"]
        ceiling = (profile.get("ceiling") or {}).get("compute_speedup") or {}
        value = ceiling.get(str(top)) if isinstance(ceiling, dict) else None
        feedback.ceiling = value if isinstance(value, int | float) else None
    return feedback


# What usually lifts each limit the scaling model names (cascade/scaling/model.py BOUNDS).
SCALING_FIXES = {
    "imbalance": "balance the work: deal the iterations out cyclically (for part in "
    "prange(8 * numba.get_num_threads()): for i in range(part, n, parts)), or partition by work "
    "(edges, not vertices: a prefix sum of the degrees split evenly), or dynamic chunks: "
    "old = numba.set_parallel_chunksize(n // (16 * numba.get_num_threads())) before the loop, "
    "numba.set_parallel_chunksize(old) after it (the sandbox runs such a kernel under TBB, the "
    "threading layer that honours it; numba 0.68 fails to compile `with "
    "numba.parallel_chunksize(c):` in a kernel that computes c)",
    "serial": "parallelise the serial code around the prange loops (prologue, epilogue, merges)",
    "bandwidth": "move fewer bytes: fuse loops so each array is read once, use smaller types",
    "overhead": "enter fewer parallel regions: fuse rounds, give each region more work",
}


def scaling_text(projection: dict) -> str:
    """The projection at its largest thread count in one sentence with the usual fix, or ""
    when the kernel was not projected (evaluations of runs that rank by measured speed)."""
    points = projection.get("points") or []
    if projection.get("status") != "projected" or not points:
        return ""
    last = points[-1]
    text = (
        f"projected {last['speedup']:.2f}x at {last['threads']} threads on machine "
        f"'{projection.get('machine', 'this')}', limited by {last['bound']}"
    )
    if last.get("detail"):
        text += f" ({last['detail']})"
    fix = SCALING_FIXES.get(last["bound"])
    return f"{text}: {fix}" if fix else text


def compiled_findings(view: dict) -> list[str]:
    """The compiled view's findings, one line a loop, with the usual fix (for the prompts and
    for the rule moves that act on a finding)."""
    lines = []
    for loop in view.get("loops") or []:
        found = loop.get("findings") or []
        if not found:
            continue
        status = "vectorised" if loop.get("status") == "vectorised" else "NOT vectorised"
        first = found[0]
        where = (
            f" at line {first['line']} `{first.get('expression', '')}`" if first.get("line") else ""
        )
        fix = f"; usual fix: {first['fix']}" if first.get("fix") else ""
        lines.append(f"the loop at line {loop.get('line')}: {status}: {first['title']}{where}{fix}")
    return lines
