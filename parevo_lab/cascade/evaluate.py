"""The cascade, driven from the parent: compile+verify in one sandboxed child, profile in another.

The parent never imports the task or the candidate; it turns the children's events into the
typed results of ``parevo_lab.results`` (events.py reads them) and decides the one verdict.
"""

from __future__ import annotations

import datetime as _dt
import os
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import sandbox, settings
from ..kernel import Kernel, cache_root, materialise
from ..results import (
    CompiledView,
    CompileError,
    CompileResult,
    ProfileResult,
    Projection,
    Report,
)
from ..task import Task
from ..version import __version__
from . import profile as profiling
from .events import _read_profile, _replay_crash_site, read_compiled, read_projection, read_verify


@dataclass
class CheckOptions:
    threads: list[int] = field(default_factory=profiling.default_threads)
    timeout_s: float = settings.TIMEOUT_S  # one call of the candidate (one phase of the child)
    compile_timeout_s: float = settings.COMPILE_TIMEOUT_S
    memory_mb: int = settings.MEMORY_MB
    profile: bool = True
    budget_s: float = settings.PROFILE_BUDGET_S  # sampling time per configuration in the profile
    races: bool = True  # run the race stage (lint + shadow replay)
    compiled_view: bool = True  # make the compiled view of each loop (cascade/compiled/)
    projection: bool = True  # time each loop serially and project speedup (cascade/scaling/)
    machine: str = settings.MACHINE  # the machine profile projected to ("this": this machine)
    behaviour: bool = False  # probe the reference's outputs for templates (cascade/behaviour.py)
    # longest call of the pure-Python reference timed for vs_python; 0: not timed (unless it is
    # the baseline because numba cannot compile the reference)
    python_cap_s: float = settings.PYTHON_CAP_S


ProgressCallback = Callable[[str, str], None]  # (stage, message)


def check(task: str | Task, candidate: str | Kernel, **options) -> Report:
    """Evaluate ``candidate`` (``"file.py[:func]"`` or a Kernel) on ``task`` (a path or Task).

    Keyword arguments are those of CheckOptions (threads, timeout_s, profile, budget_s, ...).
    Raises TaskError when the task file is unusable.
    """
    from ..kernel import load_kernel
    from ..task import load_task

    if not isinstance(task, Task):
        task = load_task(task)
    if not isinstance(candidate, Kernel):
        candidate = load_kernel(str(candidate))
    return evaluate(task, candidate, CheckOptions(**options))


def evaluate(
    task: Task,
    candidate: Kernel,
    options: CheckOptions | None = None,
    progress: ProgressCallback | None = None,
) -> Report:
    """Run the cascade on one candidate. Raises TaskError when the task itself is unusable."""
    options = options or CheckOptions()
    report = verify_stage(task, candidate, options, progress)
    if wants_profile(report, options):
        report = profile_stage(task, candidate, report, options, progress)
    return finish(report)


def verify_stage(
    task: Task,
    candidate: Kernel,
    options: CheckOptions,
    progress: ProgressCallback | None = None,
) -> Report:
    """Compile, verify and hunt races in one sandboxed child (sharing the host's cores with other
    verifications, never with a profile). The report is unfinished: see ``finish``."""
    started = time.monotonic()
    report = new_report(task, candidate)
    problem = candidate.static_problem()
    if problem is not None:
        report.compile = CompileResult(ok=False, error=problem)
        return _spent(report, started)
    job, limits = sandbox_job(task, candidate, options)
    with sandbox.cores_shared():
        run = sandbox.run(
            {**job, "job": "verify"}, limits, _relay(progress, "verify"), keep=_replay_crash_site
        )
    report.sandbox["verify"] = run.to_dict()
    phases = run.phase_seconds()
    report.seconds.update(
        startup=phases.get("startup", 0.0),
        task_code=phases.get("task", 0.0),
        compile=phases.get("compile", 0.0) + phases.get("import", 0.0),
        verify=phases.get("run", 0.0) + phases.get("locate", 0.0),
        races=phases.get("races", 0.0),  # the replay runs; its compile is under "compile"
        compiled_view=phases.get("compiled", 0.0),  # the build with line tables and its reading
    )
    report.compile, report.verify, report.races = read_verify(run)
    report.compiled = read_compiled(run)
    report.behaviour = next((e["result"] for e in run.events if e.get("type") == "behaviour"), None)
    if not options.profile:
        report.profile = ProfileResult(
            ran=False, notes=["profiling was switched off (--no-profile)"]
        )
    return _spent(report, started)


def explain(
    task: Task,
    candidate: Kernel,
    options: CheckOptions,
    progress: ProgressCallback | None = None,
) -> tuple[CompileResult, CompiledView | None, float]:
    """``parevo explain``: compile the candidate in a sandboxed child and make the compiled view
    of its loops and of the reference's. Returns (compile, view or None, wall seconds); the view
    is None when the candidate did not compile (the compile result says why)."""
    started = time.monotonic()
    problem = candidate.static_problem()
    if problem is not None:
        return CompileResult(ok=False, error=problem), None, 0.0
    job, limits = sandbox_job(task, candidate, options)
    with sandbox.cores_shared():
        run = sandbox.run({**job, "job": "explain"}, limits, _relay(progress, "explain"))
    compile_result, _, _ = read_verify(run)
    if compile_result is None:
        compile_result = CompileResult(
            ok=False, error=CompileError(kind="internal", summary=run.describe_abnormal_end())
        )
    view = read_compiled(run) if compile_result.ok else None
    return compile_result, view, time.monotonic() - started


def new_report(task: Task, candidate: Kernel) -> Report:
    """An empty report of ``candidate`` on ``task``, stamped with this machine and the time."""
    return Report(
        verdict="ok",
        summary="",
        task=task.describe(),
        candidate=candidate.describe(),
        machine=machine_facts(),
        created=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
    )


def wants_profile(report: Report, options: CheckOptions) -> bool:
    """A compiled candidate that passed, or that raced (a racy one is still timed: the report
    keeps every stage, outputs unchecked), is profiled when profiling is on."""
    if not options.profile or report.compile is None or not report.compile.ok:
        return False
    return report.verify.passed or report.races.status == "races"


def profile_stage(
    task: Task,
    candidate: Kernel,
    report: Report,
    options: CheckOptions,
    progress: ProgressCallback | None = None,
) -> Report:
    """Time the candidate across thread counts in a sandboxed child that has the host's cores to
    itself (``sandbox.cores_exclusive``). It may run on another host than ``verify_stage``."""
    started = time.monotonic()
    job, limits = sandbox_job(task, candidate, options)
    job["compare_outputs"] = report.verify.passed
    with sandbox.cores_exclusive():
        load_before = _load_average()
        run = sandbox.run({**job, "job": "profile"}, limits, _relay(progress, "profile"))
        report.sandbox["profile"] = run.to_dict()
        report.seconds["startup"] = report.seconds.get("startup", 0.0) + run.phase_seconds().get(
            "startup", 0.0
        )
        report.seconds["profile"] = round(run.wall_s, 3)
        report.profile = _read_profile(run, options, task.sizes["bench"])
        _note_busy_machine(report.profile, load_before)
        report.seconds["projection"] = run.phase_seconds().get("scaling", 0.0)
    report.projection = _projection(run, report.profile, options.machine)
    return _spent(report, started)


def _projection(run, profile: ProfileResult, machine: str):
    from .scaling.machines import MachineError

    try:
        return read_projection(run, profile, machine_profile(machine))
    except MachineError as exc:  # checked when the options were read; a file may change since
        return Projection(status="not_projected", reason=str(exc), machine=machine)


def machine_profile(name: str):
    """The machine profile called ``name`` (None: this machine's, made from the calibration).
    Raises MachineError (one line) when there is no such profile or it is unusable."""
    from .scaling import machines

    return None if name == machines.THIS else machines.load(name)


def finish(report: Report) -> Report:
    """The verdict and summary, from whichever stages ran."""
    report.verdict, report.summary = decide(report)
    report.seconds = {k: round(v, 3) for k, v in report.seconds.items()}
    return report


def _spent(report: Report, started: float) -> Report:
    report.seconds["total"] = round(
        report.seconds.get("total", 0.0) + time.monotonic() - started, 3
    )
    return report


def sandbox_job(
    task: Task, candidate: Kernel, options: CheckOptions
) -> tuple[dict, sandbox.Limits]:
    """What the sandboxed child is asked, with the sources written where it imports them (on
    the host that runs it: the files are named by content, so writing them again is harmless)."""
    sources_dir, task_module = materialise(task.source, "task")
    _, candidate_module = materialise(candidate.source, "cand")
    job = {
        "task_module": task_module,
        "candidate_module": candidate_module,
        "sources_dir": str(sources_dir),
        "task_dir": str(task.path.parent),
        "candidate_dir": str(candidate.path.parent) if candidate.path else None,
        "function": candidate.function,
        "threads": sorted(set(options.threads)),
        "sizes": task.sizes,
        "tolerance": task.tolerance,
        "budget_s": options.budget_s,
        "machine_dir": str(cache_root() / "machine"),
        "races": options.races,
        "compiled_view": options.compiled_view,
        "projection": options.projection,
        "behaviour": options.behaviour,
        "python_cap_s": options.python_cap_s,
    }
    limits = sandbox.Limits(
        timeout_s=options.timeout_s,
        compile_timeout_s=max(options.compile_timeout_s, options.timeout_s),
        memory_mb=options.memory_mb,
        threads=max(options.threads),
    )
    return job, limits


def _relay(progress: ProgressCallback | None, stage: str):
    def on_event(event):
        if progress is not None and event.get("type") == "phase":
            progress(stage, event.get("label", ""))

    return on_event


def decide(report: Report) -> tuple[str, str]:
    """The one verdict, and a one-line summary of why."""
    if report.compile is not None and not report.compile.ok:
        return "compile_error", f"compile error: {report.compile.error.summary}"
    if report.races.status == "races":
        first = report.races.entries[0]
        a, b = first["first"]["line"], first["second"]["line"]
        lines = f"line {a}, by two iterations" if a == b else f"lines {a} and {b}"
        where = f"`{first['array']}` at {lines}"
        return "race", f"race: {report.races.reason}; first: {first['kind']} on {where}"
    if report.races.failure is not None:
        return "runtime_error", f"runtime_error: {report.races.failure['message']}"
    for stage in (report.verify, report.profile):
        failure = getattr(stage, "failure", None)
        if failure is not None:
            return failure.verdict, f"{failure.verdict}: {failure.message}"
    if report.compile is None:  # the child ended before compiling, and said nothing
        return "runtime_error", "runtime_error: the candidate ended before it could be compiled"
    runs = len(report.verify.cases) if report.verify else 0
    text = f"ok: correct on {runs} runs"
    profile = report.profile
    if profile is not None and profile.ran and profile.speedup.get("vs_serial"):
        top = str(max(profile.threads))
        vs = profile.speedup["vs_serial"].get(top)
        if vs is not None:
            base = "serial numba" if profile.baseline == "numba" else "pure Python (fallback)"
            text += f"; vs {base} at {top} threads: {vs['label']}"
            attainable = profile.ceiling.get("compute_speedup", {}).get(top)
            if attainable:
                text += f" (this machine's ceiling: {attainable:.2f}x)"
    return "ok", text


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _note_busy_machine(profile: ProfileResult, load_before: float | None) -> None:
    """Say so when other work shared the cores while timing: the ceiling beside the speedups was
    measured on a quiet machine, and each parallel region then waits for time slices."""
    cores = profiling.usable_cores()
    loads = [x for x in (load_before, _load_average()) if x is not None]
    if loads and max(loads) > cores:
        profile.noisy = True
        profile.notes.append(
            f"the machine was busy while timing (load average {max(loads):.1f} on {cores} "
            "cores): speedups at more than one thread are unreliable; rerun on a quiet machine"
        )


def machine_facts() -> dict:
    return {
        "usable_cores": profiling.usable_cores(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "numba": _version_of("numba"),
        "parevo_lab": __version__,
    }


def _version_of(package: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None
