"""The audit: how strong a task's verification is, measured with mutants of its reference.

Every mutant (``parevo_lab.mutate``) is verified exactly as a candidate is: the same sizes,
seeds, edge sizes, bench-size case, threads, boundscheck build, race stage and comparison (or
``check``). One sandboxed child verifies mutant after mutant with inputs made once; a mutant that
hangs or crashes the child is killed by the sandbox like any candidate (its verdict is
``timeout`` or ``runtime_error``) and a fresh child goes on with the next. A mutant that
verification calls ``ok`` is then tried on extra inputs from the task's own ``make_inputs``
(more seeds, more sizes): one that differs there *survived* (the task's checks miss a case that
make_inputs can produce); one that agrees everywhere is *probably equivalent*, and shown.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import mutate, sandbox, settings
from ..kernel import Kernel, materialise
from ..results import AuditReport, MutantResult
from ..task import Task, TaskError
from .evaluate import CheckOptions, finish, machine_facts, new_report, read_verify, sandbox_job

# Extra inputs for the mutants verification accepted: sizes and seeds the verifier never uses.
PROBE_SIZES = (2, 5, 8, 33, 100, 257)
PROBE_SEEDS = tuple(range(24, 32))  # beyond the edge seeds (0-23) and the check seeds (0-2)
BIG_PROBE_SEEDS = (3, 4)
TASK_TIMEOUT_S = 120.0  # make_inputs or the reference, once per child

AuditProgress = Callable[[int, int, str], None]  # (mutants done, mutants in all, last status)


@dataclass
class AuditOptions(CheckOptions):
    """The cascade's options as a mutant's verification uses them (no profile), plus the probe."""

    timeout_s: float = settings.AUDIT_TIMEOUT_S  # one call of one mutant: a hang is a kill
    profile: bool = False
    probe: bool = True  # try the mutants verification accepts on extra inputs


# Mutants wrong only above the check size: the bench size with another seed is their probe.
BIG_OPERATORS = ("big_first_half", "big_second_half", "size_shortcut")


def probe_inputs(sizes: dict, operator: str = "") -> list[tuple[int, int]]:
    """(size, seed) pairs beyond the verifier's own: small sizes, the check size with other
    seeds, twice and four times the check size (up to the bench size), and for a mutant of
    ``BIG_OPERATORS`` first the bench size with a second seed."""
    check, bench = sizes["check"], sizes["bench"]
    plan = [(bench, 1)] if operator in BIG_OPERATORS and bench > check else []
    plan += [(s, seed) for s in PROBE_SIZES if s < check for seed in PROBE_SEEDS]
    plan += [(check, seed) for seed in PROBE_SEEDS]
    for size in (2 * check, 4 * check):
        if size <= bench:
            plan += [(size, seed) for seed in BIG_PROBE_SEEDS]
    return plan


def audit(
    task: Task,
    options: AuditOptions | None = None,
    out: Path | None = None,
    progress: AuditProgress | None = None,
) -> AuditReport:
    """Mutate ``task``'s reference, verify every mutant, probe the ones that pass. With ``out``,
    the surviving and probably equivalent mutants are written there as candidate files and the
    report as ``audit.json``. Raises TaskError when the task itself is unusable."""
    options = options or AuditOptions()
    started = time.monotonic()
    report = AuditReport(
        task=task.describe(),
        machine=machine_facts(),
        created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )
    try:
        found = mutate.mutants(task)
    except mutate.MutationError as exc:
        report.statement = str(exc)
        return _finish(report, started)
    report.statement = mutate.nothing_to_mutate(found)
    if found:
        modules = [materialise(m.source, "mutant")[1] for m in found]
        job, limits = _job(task, options)
        verdicts = _verify_all(task, found, modules, job, limits, progress)
        results = [_result(task, m, verdicts[i]) for i, m in enumerate(found)]
        passed = [i for i, r in enumerate(results) if r.status == "equivalent"]
        if passed and options.probe:
            plans = {i: probe_inputs(task.sizes, found[i].operator) for i in passed}
            report.probe_inputs = len(probe_inputs(task.sizes))
            for index, found_apart in _probe_all(plans, modules, job, limits).items():
                if found_apart is not None:
                    results[index].status = "survived"
                    results[index].probe = found_apart
                    results[index].message = (
                        f"verification calls it ok, but it differs on an input make_inputs can "
                        f"give (size {found_apart['size']}, seed {found_apart['seed']}): "
                        f"{found_apart['message']}"
                    )
                else:
                    results[index].message = (
                        f"probably equivalent: it agrees with the reference on every verification "
                        f"case and on {len(plans[index])} extra inputs from make_inputs"
                    )
        elif passed:
            for index in passed:
                results[index].status = "survived"
                results[index].message = "verification calls it ok (not probed: --no-probe)"
        report.mutants = results
    _finish(report, started)
    if out is not None:
        _write(report, found, out)
    return report


COUNTED = ("generated", "killed", "survived", "equivalent", "stillborn")


def score(counts: dict) -> float | None:
    """The mutation score: killed / (killed + survived); None when no mutant was measured."""
    measured = counts["killed"] + counts["survived"]
    return round(counts["killed"] / measured, 4) if measured else None


def suite_summary(reports: list[tuple[str, AuditReport]]) -> dict:
    """``parevo audit --suite --json``: every task's report and the totals."""
    totals = {k: sum(r.counts.get(k, 0) for _, r in reports) for k in COUNTED}
    totals["score"] = score(totals)
    totals["seconds"] = round(sum(r.seconds for _, r in reports), 1)
    return {"tasks": {name: r.to_dict() for name, r in reports}, "totals": totals}


def _finish(report: AuditReport, started: float) -> AuditReport:
    counts = dict.fromkeys(COUNTED, 0)
    for m in report.mutants:
        counts[m.status] += 1
    counts["generated"] = len(report.mutants)
    report.counts = counts
    report.score = score(counts)
    if report.score is None and report.statement is None:
        report.statement = (
            "no mutant compiled with numba, or every one is probably equivalent: nothing measured"
        )
    if report.score is None:
        report.summary = f"not measured: {report.statement}"
    else:
        c = counts
        report.summary = (
            f"mutation score {report.score:.3f}: {c['killed']} of {c['killed'] + c['survived']} "
            f"mutants killed, {c['survived']} survived (wrong kernels the inputs call ok), "
            f"{c['equivalent']} probably equivalent, {c['stillborn']} stillborn"
        )
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _job(task: Task, options: AuditOptions) -> tuple[dict, sandbox.Limits]:
    # The task's own job, with no candidate: each child is told which mutants to verify.
    job, limits = sandbox_job(task, Kernel(source="", function="kernel"), options)
    job.update(candidate_module=None, candidate_dir=None, function="kernel")
    # The task's own code (make_inputs at the bench size can take long) is not a mutant's call.
    limits.task_timeout_s = max(TASK_TIMEOUT_S, options.timeout_s)
    return job, limits


def _verify_all(task, found, modules, job, limits, progress) -> dict[int, object]:
    """{mutant index: its verification report}, restarting the child after a mutant that
    crashed it or hung."""
    reports: dict[int, object] = {}
    ended: set[int] = set()

    def on_event(event):
        if progress is not None and event.get("type") == "mutant_end":
            ended.add(event["index"])
            status = "passed verification" if event["passed"] else "killed"
            progress(len(ended), len(found), f"{found[event['index']].id} {status}")

    pending = 0
    while pending < len(found):
        with sandbox.cores_shared():
            run = sandbox.run(
                {**job, "job": "mutants", "mutants": modules[pending:], "first": pending},
                limits,
                on_event,
            )
        preamble, segments = _split(run.events, "mutant", "mutant_end")
        if not segments:
            read_verify(run)  # raises TaskError / SandboxStartError when it can
            raise TaskError(
                f"the audit could not prepare the task's inputs: {run.describe_abnormal_end()}"
            )
        for index, (events, ended_here) in segments.items():
            part = _part(run, preamble + events, ended_here)
            candidate = Kernel(source=found[index].source, function="kernel")
            report = new_report(task, candidate)
            report.compile, report.verify, report.races = read_verify(part)
            report.seconds["total"] = _span(events)
            reports[index] = finish(report)
            if progress is not None and not ended_here:
                ended.add(index)
                progress(len(ended), len(found), f"{found[index].id} killed ({report.verdict})")
        pending = max(segments) + 1
    return reports


def _probe_all(plans: dict, modules, job, limits) -> dict[int, dict | None]:
    """{mutant index: the extra input that tells it apart from the reference, or None}; ``plans``
    holds each mutant's extra (size, seed) inputs."""
    found: dict[int, dict | None] = {}
    pending = list(plans)
    while pending:
        with sandbox.cores_shared():
            run = sandbox.run(
                {
                    **job,
                    "job": "probe",
                    "mutants": [modules[i] for i in pending],
                    "indices": pending,
                    "plans": [plans[i] for i in pending],
                },
                limits,
            )
        _, segments = _split(run.events, "probe", "probe_end")
        if not segments:
            read_verify(run)
            raise TaskError(
                f"the audit could not make the extra inputs: {run.describe_abnormal_end()}"
            )
        for index, (events, _) in segments.items():
            end = next((e for e in events if e.get("type") == "probe_end"), None)
            if end is not None:
                found[index] = end["differs"]
                continue
            # It hung or crashed the child on an extra input the reference handles.
            phase = run.last_phase or {}
            size, seed = phase.get("probe", [None, None])
            found[index] = {"size": size, "seed": seed, "message": run.describe_abnormal_end()}
            if size is None:
                found[index]["message"] += f" ({phase.get('label', 'probing')})"
        pending = [i for i in pending if i not in found]
    return found


def _split(events: list[dict], start: str, end: str):
    """(the events before the first ``start``, {index: (its events, whether ``end`` came)})."""
    preamble: list[dict] = []
    segments: dict[int, tuple[list[dict], bool]] = {}
    current = None
    for event in events:
        kind = event.get("type")
        if kind == start:
            current = event["index"]
            segments[current] = ([event], False)
        elif current is None:
            if kind not in ("done", "prepared"):
                preamble.append(event)
        else:
            segments[current][0].append(event)
            if kind == end:
                segments[current] = (segments[current][0], True)
    return preamble, segments


def _part(run: sandbox.SandboxRun, events: list[dict], ended: bool) -> sandbox.SandboxRun:
    """One mutant's share of a child's run, read as if it had had a child of its own."""
    phases = [e for e in events if e.get("type") == "phase"]
    if ended:
        return sandbox.SandboxRun(
            events=[*events, {"type": "done"}],
            returncode=0,
            last_phase=phases[-1] if phases else None,
        )
    part = sandbox.SandboxRun(**{**run.__dict__, "events": events})
    part.last_phase = phases[-1] if phases else run.last_phase
    return part


def _span(events: list[dict]) -> float:
    stamps = [e["t"] for e in events if "t" in e]
    return round(stamps[-1] - stamps[0], 3) if len(stamps) > 1 else 0.0


def _result(task: Task, mutant: mutate.Mutant, report) -> MutantResult:
    verdict = report.verdict
    if verdict == "compile_error":
        status = "stillborn"
    elif verdict == "ok":
        status = "equivalent"  # until the probe says otherwise
    else:
        status = "killed"
    failure = report.verify.failure if report.verify is not None else None
    body = mutant.source.split(mutate.FOOTER)[0].rstrip() + "\n"
    diff = difflib.unified_diff(
        task.source.splitlines(keepends=True),
        body.splitlines(keepends=True),
        fromfile=task.path.name,
        tofile=f"{mutant.id}.py",
        n=2,
    )
    return MutantResult(
        **mutant.to_dict(),
        status=status,
        verdict=verdict,
        message=report.summary,
        case=failure.case if failure is not None and status == "killed" else None,
        diff="".join(diff),
        seconds=report.seconds.get("total", 0.0),
    )


def _write(report: AuditReport, found: list[mutate.Mutant], out: Path) -> None:
    """The mutants verification accepts, as candidate files, and ``audit.json``."""
    import json

    out.mkdir(parents=True, exist_ok=True)
    by_id = {m.id: m for m in found}
    for result in report.mutants:
        if result.status in ("survived", "equivalent"):
            path = out / f"{result.id}_{result.operator}.py"
            path.write_text(by_id[result.id].source, encoding="utf-8")
            result.path = str(path.resolve())
    report.out = str(out.resolve())
    (out / "audit.json").write_text(json.dumps(report.to_dict(), indent=1) + "\n")


# ------------------------------------------------------------------ the child side


def run(session) -> None:
    """The ``mutants`` and ``probe`` jobs, in the sandboxed child."""
    if session.job["job"] == "mutants":
        _verify_mutants(session)
    else:
        _probe(session)


def _verify_mutants(session) -> None:
    from . import verify

    job, emit = session.job, session.emit
    cases = verify.Cases(session)
    cases.reference()
    cases.edges, cases.check, cases.large, cases.bench  # noqa: B018 - made once, before the first mutant
    emit({"type": "prepared"})
    for index, module in enumerate(job["mutants"], job["first"]):
        session.use_candidate(module)
        emit({"type": "mutant", "index": index})
        passed = verify.verify_candidate(session, cases, cache=False)
        emit({"type": "mutant_end", "index": index, "passed": passed})


def _probe(session) -> None:
    import numba

    from ..task import Mismatch, TaskProblem, fresh_copy, judge
    from . import compile as compile_stage
    from . import verify

    job, emit = session.job, session.emit
    names = session.argument_names()
    threads = min(max(job["threads"]), numba.config.NUMBA_NUM_THREADS)
    made: dict[tuple[int, int], tuple | None] = {}
    reference = []

    def prepared(size: int, seed: int):
        if (size, seed) not in made:
            try:
                args = session.inputs(size, seed)
                if not reference:
                    reference.append(verify.compile_reference(session, args)[0])
                function = reference[0] or session.task.reference
                made[size, seed] = (args, session.expected(function, args, f"reference, {size}"))
            except TaskProblem:
                made[size, seed] = None  # outside the task's domain: not an input
        return made[size, seed]

    for index, module, plan in zip(job["indices"], job["mutants"], job["plans"], strict=True):
        session.use_candidate(module)
        emit({"type": "probe", "index": index})
        differs, tried = None, 0
        problem = session.import_candidate()
        if problem is not None:  # it imported for verification: this cannot happen, but say so
            differs = {"size": None, "seed": None, "message": f"import raised {problem!r}"}
            emit({"type": "probe_end", "index": index, "differs": differs, "tried": 0})
            continue
        py_func, options = compile_stage.load_function(session.candidate_module, "kernel")
        kernel = compile_stage.jit(py_func, options, cache=False)
        for size, seed in plan:
            case = prepared(size, seed)
            if case is None:
                continue
            args, expected = case
            label = f"extra input: size {size}, seed {seed}"
            phase = {"type": "phase", "phase": "run", "label": label, "probe": [size, seed]}
            emit({**phase, "compile": True} if tried == 0 else phase)  # the first call compiles
            numba.set_num_threads(threads)
            actual_args = fresh_copy(args)
            try:
                actual = kernel(*actual_args)
                judge(expected, actual, actual_args, names, session.check, args, session.tolerance)
            except Mismatch as exc:
                differs = {"size": size, "seed": seed, "message": str(exc)}
            except Exception as exc:  # noqa: BLE001 - the mutant raised where the reference did not
                differs = {"size": size, "seed": seed, "message": f"raised {exc!r}"[:300]}
            if differs is not None:
                break
            tried += 1
        emit({"type": "probe_end", "index": index, "differs": differs, "tried": tried})
