"""The children's events read back in the parent: the compile, verify and races results of the
verify child (``read_verify``) and the profile of the profile child (``_read_profile``), with the
failure that names how a child ended abnormally and the last access of a replay that crashed.
evaluate.py runs the children and decides the verdict.
"""

from __future__ import annotations

from typing import Protocol

from .. import sandbox
from ..results import (
    CompiledView,
    CompileError,
    CompileResult,
    Failure,
    ProfileResult,
    Projection,
    RacesResult,
    SourceSite,
    VerifyCase,
    VerifyResult,
    from_dict,
)
from ..task import TaskError
from . import profile as profiling


class _Options(Protocol):
    """What the profile's reading needs of the CheckOptions (evaluate.py) it ran under."""

    threads: list[int]


# ------------------------------------------------------------------ events -> results


def read_verify(run: sandbox.SandboxRun):
    _require_started(run)
    compile_result = None
    verify = VerifyResult(passed=False)
    races = RacesResult(reason="not run: the candidate did not get that far")
    reference_note = None
    for event in run.events:
        kind = event.get("type")
        if kind == "task_error":
            raise TaskError(f"the task file failed: {event['message']}")
        if kind == "reference":
            reference_note = event
        elif kind == "compile":
            compile_result = from_dict(CompileResult, event["result"])
        elif kind == "case":
            verify.cases.append(VerifyCase(**event["case"]))
        elif kind == "skipped":
            verify.skipped.append(event["message"])
        elif kind == "failure":
            verify.failure = from_dict(Failure, event["failure"])
        elif kind == "races":
            races = from_dict(RacesResult, event["result"])
        elif kind == "crash":
            verify.failure = Failure(
                verdict="runtime_error",
                message=f"the evaluation worker failed: {event['message']}",
                detail=event.get("traceback", ""),
            )
    if reference_note is not None and compile_result is not None:
        compile_result.reference_compiled = reference_note["compiled"]
        compile_result.reference_note = reference_note["note"]
    if not run.finished:
        failure = _abnormal_end(run)
        phase = (run.last_phase or {}).get("phase")
        if phase == "task":
            raise TaskError(f"{(run.last_phase or {}).get('label', 'the task')} {failure.message}")
        if phase == "compiled":
            pass  # verification was over: read_compiled says what happened to the view
        elif phase == "compile" and (compile_result is None or compile_result.ok):
            label = (run.last_phase or {}).get("label", "compiling")
            compile_result = CompileResult(
                ok=False,
                error=CompileError(kind="internal", summary=f"{label}: {failure.message}"),
            )
        elif phase != "locate" and verify.failure is None:
            verify.failure = failure
            if phase == "races":
                _point_at_replay_site(failure, run)
    if compile_result is None and verify.failure is None:
        verify.failure = _abnormal_end(run)
    verify.passed = verify.failure is None and compile_result is not None and compile_result.ok
    _differential(verify, races)
    return compile_result, verify, races


def read_compiled(run: sandbox.SandboxRun) -> CompiledView | None:
    """The compiled view the verify child made after verifying (None: it made none, e.g. the
    candidate did not compile). A child that died while making it keeps its verdict: the view
    says what happened."""
    for event in run.events:
        if event.get("type") == "compiled":
            return from_dict(CompiledView, event["result"])
    if not run.finished and (run.last_phase or {}).get("phase") == "compiled":
        return CompiledView(
            status="failed", notes=[f"the build for the compiled view {_abnormal_end(run).message}"]
        )
    return None


def _differential(verify: VerifyResult, races: RacesResult) -> None:
    """Layer 3: outputs wrong only with several threads, though right serially, is a race that
    fired (or a numba miscompile)."""
    failure = verify.failure
    if failure is None or failure.verdict != "wrong" or failure.case is None:
        return
    if failure.case.threads > 1 and any(
        c.kind == "boundscheck" and c.size == failure.case.size and c.passed for c in verify.cases
    ):
        seen = "the replay saw it" if races.status == "races" else "the replay saw no conflict"
        races.notes.append(
            f"outputs are wrong with {failure.case.threads} threads but right serially: a race "
            f"that fired, or a numba miscompile ({seen})"
        )


def _replay_crash_site(workdir: str) -> int | None:
    import os

    from .races.shadow import CRASH_FILE, last_site_in

    return last_site_in(os.path.join(workdir, CRASH_FILE))


def _require_started(run: sandbox.SandboxRun) -> None:
    """A child that never imported numba says nothing about the candidate: stop with why."""
    if any(e.get("type") == "ready" for e in run.events):
        return
    crash = next((e for e in run.events if e.get("type") == "crash"), None)
    if crash is not None:
        why = crash["message"]
    else:
        failure = _abnormal_end(run)
        why = failure.message + (f": {failure.detail.splitlines()[-1]}" if failure.detail else "")
    raise sandbox.SandboxStartError(
        f"the sandbox could not start Python with numba ({why}); "
        "check the installation, or raise --memory"
    )


def _point_at_replay_site(failure: Failure, run: sandbox.SandboxRun) -> None:
    """A replay that crashed: name the last access it recorded (kept in its mapped state)."""
    last = run.leftovers.get("kept")
    sites = next((e["sites"] for e in run.events if e.get("type") == "replay_sites"), [])
    if last is not None and 0 <= last < len(sites):
        line, text = sites[last]
        failure.site = SourceSite(line=line, text=text)
        failure.message += f"; the last access the replay recorded: line {line}: `{text}`"


def _abnormal_end(run: sandbox.SandboxRun) -> Failure:
    phase = run.last_phase or {}
    case = VerifyCase(**phase["case"]) if phase.get("case") else None
    where = f" (last step: {phase['label']})" if phase.get("label") else ""
    verdict = "timeout" if run.timed_out else "runtime_error"
    tail = (run.stderr_tail or "").strip().splitlines()[-5:]
    return Failure(
        verdict=verdict,
        message=f"{run.describe_abnormal_end()}{where}",
        case=case,
        detail="\n".join(tail),
    )


def _read_profile(run: sandbox.SandboxRun, options: _Options, size: int) -> ProfileResult:
    _require_started(run)
    result = ProfileResult(
        ran=True,
        size=size,
        threads=sorted(set(options.threads)),
        usable_cores=profiling.usable_cores(),
    )
    samples: dict[str, dict] = {
        "candidate": {},
        "serial": {},
        "serial_same_flags": {},
        "python": {},
    }
    for event in run.events:
        kind = event.get("type")
        if kind == "timing":
            samples[event["who"]][str(event["threads"])] = event["samples"]
        elif kind == "ready":
            result.threading_layer = event.get("layer") or ""
        elif kind == "flags":
            result.flags = event["flags"]
        elif kind == "ceiling":
            result.ceiling = event["ceiling"]
        elif kind == "note":
            result.notes.append(event["message"])
        elif kind == "failure":
            result.failure = from_dict(Failure, event["failure"])
        elif kind == "task_error":
            result.notes.append(f"profiling stopped: {event['message']}")
        elif kind == "crash":
            result.failure = Failure(
                verdict="runtime_error",
                message=f"the profiling worker failed: {event['message']}",
                detail=event.get("traceback", ""),
            )
    if not run.finished:
        phase = (run.last_phase or {}).get("phase")
        if phase == "python_reference":
            result.notes.append(
                f"the pure-Python reference did not finish within {run.phase_limit_s:g} s at "
                f"size {size}: no vs_python speedup (raise --timeout to get one)"
            )
        elif phase in ("task", "reference"):
            result.notes.append(f"profiling stopped: the reference {run.describe_abnormal_end()}")
        elif phase == "scaling":  # the timings are all in: only the projection is lost
            result.notes.append(
                f"no projection: its serial replay {run.describe_abnormal_end()} (the timings "
                "above are complete)"
            )
        elif result.failure is None:
            result.failure = _abnormal_end(run)
    result.candidate = {p: profiling.summarise(s) for p, s in samples["candidate"].items()}
    if samples["serial"]:
        result.serial = profiling.summarise(samples["serial"]["1"])
    if samples["python"]:
        result.python = profiling.summarise(samples["python"]["1"])
    same_flags = samples["serial_same_flags"].get("1")
    if same_flags:
        result.serial_same_flags = profiling.summarise(same_flags)
    baseline = samples["serial"].get("1")
    if baseline is None and samples["python"]:
        baseline = samples["python"]["1"]
        result.baseline = "python"
        result.notes.append(
            "vs_serial divides the pure-Python reference: numba could not compile it"
        )
    cand = samples["candidate"]
    speedups: dict = {
        "vs_serial": {},
        "vs_serial_same_flags": {},
        "codegen": None,
        "self": {},
        "vs_python": None,
    }
    # Without flags of its own the candidate's code generation is the reference's: the parallel
    # gain is vs_serial itself. With flags, the reference built with them is the baseline.
    parallel_base = same_flags or (baseline if not result.flags else None)
    if same_flags and baseline:
        speedups["codegen"] = profiling.speedup(baseline, same_flags).to_dict()
    if cand:
        one = cand.get("1")
        for p, s in cand.items():
            if baseline:
                speedups["vs_serial"][p] = profiling.speedup(baseline, s).to_dict()
            if parallel_base:
                speedups["vs_serial_same_flags"][p] = profiling.speedup(parallel_base, s).to_dict()
            if one:
                speedups["self"][p] = profiling.speedup(one, s).to_dict()
        top = cand[max(cand, key=int)]
        if samples["python"]:
            speedups["vs_python"] = profiling.speedup(samples["python"]["1"], top).to_dict()
    result.speedup = speedups
    result.notes += headline_remarks(result)
    timings = [*result.candidate.values(), result.serial, result.python]
    noisy = [t for t in timings if t is not None and t.noisy]
    if noisy:
        result.noisy = True
        worst = max(t.spread for t in noisy)
        result.notes.append(
            f"measurements were noisy (spread up to {worst:.0%} of the median): "
            "rerun on a quiet machine before quoting these speedups"
        )
    return result


def headline_remarks(profile: ProfileResult) -> list[str]:
    """What a reader of the headline speedup (vs_serial at the most threads) must know: how much
    of it the candidate's flags give rather than its threads, and a parallel gain above what the
    machine's calibration says parallelism can give, with its likely cause."""
    out = []
    speed = profile.speedup
    if not speed.get("vs_serial"):
        return out
    top = max(speed["vs_serial"], key=int)
    codegen = speed.get("codegen")
    parallel = (speed.get("vs_serial_same_flags") or {}).get(top)
    flags = profiling.flags_text(profile.flags)
    if codegen and codegen["significant"] and codegen["value"] >= 1.1 and parallel:
        out.append(
            f"{codegen['value']:.2f}x of the headline comes from the candidate's flags ({flags}): "
            f"the serial reference built with them is that much faster; the threads give "
            f"{parallel['value']:.2f}x at {top} threads"
        )
    ceiling = (profile.ceiling.get("compute_speedup") or {}).get(top)
    gain = (parallel or speed["vs_serial"][top])["value"]
    self_ = (speed.get("self") or {}).get(top)
    if ceiling and int(top) > 1 and gain > 1.1 * ceiling:
        one = (speed.get("vs_serial_same_flags") or {}).get("1") or speed["vs_serial"].get("1")
        if self_ and self_["value"] <= 1.1 * ceiling and one and one["value"] > 1.1:
            cause = (
                f"its code at 1 thread: there it is already {one['value']:.2f}x faster than "
                "the reference built with the same flags (less work, or code numba vectorises), "
                f"and its threads give {self_['value']:.2f}x (self), within the ceiling"
            )
        elif profile.noisy:
            cause = "noise: the timings were noisy; rerun on a quiet machine"
        else:
            cause = (
                "cache effects (each thread's share of the data fits in its cache) or a "
                "ceiling measured under load"
            )
        where = profile.ceiling.get("path")
        again = f"; to measure the ceiling again, delete {where}" if where else ""
        over = " (over the reference built with the same flags)" if profile.flags else ""
        out.append(
            f"{gain:.2f}x at {top} threads{over} is above this machine's measured ceiling of "
            f"{ceiling:.2f}x: the likely cause is {cause}{again}"
        )
    return out


def read_projection(run: sandbox.SandboxRun, profile: ProfileResult, machine) -> Projection | None:
    """The projection beyond this machine from the profile child's timed replay (None when the
    child did not get that far). ``machine``: a MachineProfile, or None for this machine's."""
    from .scaling import machines, model

    measured = next((e["measured"] for e in run.events if e.get("type") == "scaling"), None)
    if measured is None:
        if not run.finished and (run.last_phase or {}).get("phase") == "scaling":
            reason = f"the serial replay {run.describe_abnormal_end()}"
            measured = {"status": "not_measured", "reason": reason}
        else:
            return None
    if machine is None:
        machine = machines.this_machine(profile.ceiling, profiling.usable_cores())
    machine = machine.with_clock_ratio((profile.ceiling.get("compute_seconds") or {}).get("1"))
    one = profile.candidate.get("1")
    baseline = profile.serial if profile.baseline == "numba" else None
    return model.project(
        measured,
        machine,
        one.median_s if one else None,
        baseline.median_s if baseline else None,
    )
