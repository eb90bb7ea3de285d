"""Run untrusted work in a child process with limits.

The child (``python -m parevo_lab.worker``) runs in its own process group, with limits on memory,
file size, open files and processes, capped thread pools and an environment without secrets; the
process that starts it marks itself non-dumpable first, so that the child (the same user) cannot
read its environment or memory through /proc. It reports by appending JSON lines to an
events file, so everything it recorded before a hang, a segfault or ``os._exit`` survives. The
parent enforces a wall-clock deadline per *phase*: each ``{"type": "phase"}`` event the child
writes restarts the clock with that phase's limit, so a slow cold compile does not eat the time a
single candidate call is allowed, and a native infinite loop is killed ``timeout_s`` after the
call started.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import settings
from ..errors import ParevoError
from .cores import (
    CORES_LOCK,
    CORES_LOCK_ENV,
    CORES_LOCK_WAIT_ENV,
    CoresLockError,
    cores_exclusive,
    cores_lock_path,
    cores_shared,
)
from .reach import (
    DUMPABLE_ENV,
    clean_environment,
    job_environment,
    limit_note,
    protect_process,
    user_tasks,
)
from .streams import EventReader, Tail

__all__ = [
    "CORES_LOCK",
    "CORES_LOCK_ENV",
    "CORES_LOCK_WAIT_ENV",
    "DUMPABLE_ENV",
    "SIGNAL_MEANINGS",
    "CoresLockError",
    "Limits",
    "LimitsError",
    "SandboxRun",
    "SandboxStartError",
    "clean_environment",
    "cores_exclusive",
    "cores_lock_path",
    "cores_shared",
    "descendants",
    "job_environment",
    "kill_tree",
    "limit_note",
    "protect_process",
    "run",
    "user_tasks",
]

SIGNAL_MEANINGS = {
    signal.SIGSEGV: "segmentation fault (invalid memory access)",
    signal.SIGBUS: "bus error (invalid memory access)",
    signal.SIGFPE: "arithmetic fault (integer division by zero?)",
    signal.SIGABRT: "aborted",
    signal.SIGILL: "illegal instruction",
    signal.SIGKILL: "killed (out of memory?)",
    signal.SIGXFSZ: "file size limit exceeded (RLIMIT_FSIZE)",  # the MiB are added in describe
}


class LimitsError(ParevoError, ValueError):
    """A limit of the sandbox that is no number of seconds (NaN, infinity, 0): one line."""


class SandboxStartError(ParevoError, RuntimeError):
    """The child never got as far as importing numba: the installation, not the candidate."""


@dataclass
class Limits:
    timeout_s: float = settings.TIMEOUT_S  # one phase: one call of the candidate, one stage
    compile_timeout_s: float = settings.COMPILE_TIMEOUT_S  # a phase marked "compile"
    task_timeout_s: float | None = None  # a "task" phase (make_inputs, reference); None: timeout_s
    startup_timeout_s: float = 60.0  # interpreter + numba import, before the first event
    memory_mb: int = settings.MEMORY_MB  # address-space limit of the child
    threads: int = 1  # NUMBA_NUM_THREADS: the largest thread count the child may use
    output_tail_bytes: int = 16384  # how much of stdout/stderr is kept
    file_size_mb: int = settings.FILE_SIZE_MB  # RLIMIT_FSIZE of the child
    open_files: int = settings.OPEN_FILES  # RLIMIT_NOFILE of the child
    process_margin: int = settings.PROCESS_MARGIN  # RLIMIT_NPROC: its user's tasks + this
    # most seconds a phase event of the child may add to its phase's limit (a profile's sampling
    # budget): the events file is written by the child, so the candidate could forge one
    max_extra_s: float = 3600.0
    job_timeout_s: float = settings.JOB_TIMEOUT_S  # the child's whole life, forged phases or not

    def __post_init__(self):
        self.check()

    def check(self) -> None:
        """Every limit a finite number above 0 (LimitsError otherwise): a NaN timeout would never
        expire (NaN compares false with everything), so a looping candidate would never be
        killed."""
        names = [
            "timeout_s",
            "compile_timeout_s",
            "startup_timeout_s",
            "max_extra_s",
            "job_timeout_s",
        ]
        if self.task_timeout_s is not None:
            names.append("task_timeout_s")
        for name in names:
            value = getattr(self, name)
            if not _finite_positive(value):
                flag = " (--timeout)" if name == "timeout_s" else ""
                raise LimitsError(
                    f"the sandbox's {name}{flag} must be a finite number of seconds above 0, "
                    f"not {value!r}"
                )
        for name in ("memory_mb", "file_size_mb", "open_files", "process_margin", "threads"):
            value = getattr(self, name)
            if not _finite_positive(value) or value < 1:
                raise LimitsError(
                    f"the sandbox's {name} must be a number of at least 1, not {value!r}"
                )

    def for_child(self) -> dict:
        """The limits the child sets on itself (worker.set_limits)."""
        return {
            "memory_mb": self.memory_mb,
            "file_size_mb": self.file_size_mb,
            "open_files": self.open_files,
            "process_margin": self.process_margin,
            "threads": self.threads,
        }


def _finite_positive(value) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool) and math.isfinite(number) and number > 0


@dataclass
class SandboxRun:
    """What came back from one child process."""

    events: list[dict] = field(default_factory=list)
    returncode: int | None = None
    timed_out: bool = False
    last_phase: dict | None = None  # the phase running when the child ended or was killed
    phase_limit_s: float = 0.0
    job_limit_s: float | None = None  # set when the child outlived Limits.job_timeout_s
    stdout_tail: str = ""
    stderr_tail: str = ""
    wall_s: float = 0.0
    spawned_at: float = 0.0  # time.monotonic() when the child was started
    began: float = 0.0  # time.time() when the child was started, and when it was reaped
    ended: float = 0.0
    leftovers: dict = field(default_factory=dict)  # small files the child left, read before cleanup
    file_size_mb: int = settings.FILE_SIZE_MB  # the child's RLIMIT_FSIZE, named when it is hit

    def phase_seconds(self) -> dict[str, float]:
        """Seconds per phase kind (``startup`` = spawn + imports), from the child's timestamps."""
        seconds: dict[str, float] = {}
        stamped = [e for e in self.events if "t" in e]
        ready = next((e["t"] for e in stamped if e.get("type") == "ready"), None)
        if ready is not None:
            seconds["startup"] = ready - self.spawned_at
        phases = [e for e in stamped if e.get("type") in ("phase", "done")]
        end = self.spawned_at + self.wall_s
        # (no phase at all, e.g. a child that died at once: no seconds, not a ValueError)
        for event, following in zip(phases, [*phases[1:], None][: len(phases)], strict=True):
            if event.get("type") != "phase":
                continue
            stop = following["t"] if following is not None else end
            kind = event["phase"]
            seconds[kind] = seconds.get(kind, 0.0) + max(0.0, stop - event["t"])
        return {k: round(v, 4) for k, v in seconds.items()}

    @property
    def finished(self) -> bool:
        return any(e.get("type") == "done" for e in self.events)

    @property
    def signal_name(self) -> str | None:
        if self.returncode is not None and self.returncode < 0:
            try:
                return signal.Signals(-self.returncode).name
            except ValueError:
                return f"signal {-self.returncode}"
        return None

    def describe_abnormal_end(self) -> str:
        """One line saying how a child that did not finish ended."""
        if self.timed_out and self.job_limit_s is not None:
            return (
                f"timed out: the sandbox child ran past its overall limit of "
                f"{self.job_limit_s:g} s (job_timeout_s), however many phases it reported"
            )
        if self.timed_out:
            return f"timed out after {self.phase_limit_s:g} s"
        if self.returncode is not None and self.returncode < 0:
            meaning = SIGNAL_MEANINGS.get(-self.returncode, "")
            if -self.returncode == signal.SIGXFSZ:
                meaning = f"file size limit (RLIMIT_FSIZE, {self.file_size_mb} MiB) exceeded"
            return f"crashed with {self.signal_name}" + (f": {meaning}" if meaning else "")
        return (
            f"exited with status {self.returncode} before finishing "
            "(os._exit, sys.exit or an abort in native code)"
        ) + self._thread_note()

    def _thread_note(self) -> str:
        """libgomp aborts when it cannot start a thread: say which limits can cause that."""
        tail = self.stderr_tail or ""
        if "Thread creation failed" in tail or "can't start new thread" in tail:
            return (
                "; a thread could not be started: the sandbox's limits on processes and threads "
                "(RLIMIT_NPROC) or on memory (RLIMIT_AS) were reached"
            )
        return ""

    def to_dict(self) -> dict:
        return {
            "returncode": self.returncode,
            "timed_out": self.timed_out,
            "wall_s": round(self.wall_s, 3),
            "began": round(self.began, 3),
            "ended": round(self.ended, 3),
            "host": platform.node(),
            "phase_seconds": self.phase_seconds(),
            "stdout_tail": self.stdout_tail,
            "stderr_tail": self.stderr_tail,
        }


def run(
    job: dict,
    limits: Limits,
    on_event: Callable[[dict], None] | None = None,
    poll_s: float = 0.02,
    keep: Callable[[str], object] | None = None,
) -> SandboxRun:
    """Run ``job`` in ``python -m parevo_lab.worker`` and collect its events.

    ``keep(workdir)``, when given, reads what it needs from the child's working folder after
    the child ended and before the folder is removed (``SandboxRun.leftovers["kept"]``)."""
    limits.check()  # again: a field may have been set after it was made
    protect_process()  # before any candidate runs: it could read what this process holds
    workdir = tempfile.mkdtemp(prefix="parevo-sandbox-")
    job_path = os.path.join(workdir, "job.json")
    events_path = os.path.join(workdir, "events.jsonl")
    with open(job_path, "w") as handle:
        json.dump(
            {
                **job,
                "memory_mb": limits.memory_mb,
                "limits": limits.for_child(),
                "parent_pid": os.getpid(),
            },
            handle,
        )
    reader = EventReader(events_path)
    result = SandboxRun(file_size_mb=limits.file_size_mb)
    result.began = time.time()
    start = result.spawned_at = time.monotonic()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "parevo_lab.worker", job_path, events_path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=workdir,
            env=clean_environment(limits.threads),
            start_new_session=True,  # its own process group: a kill takes every grandchild too
        )
    except BaseException:
        reader.close()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    out = Tail(proc.stdout, limits.output_tail_bytes)
    err = Tail(proc.stderr, limits.output_tail_bytes)
    limit = limits.startup_timeout_s
    deadline = start + limit
    last_moment = start + limits.job_timeout_s  # no phase event moves this one

    def consume():
        nonlocal deadline, limit
        for event in reader.read_new():
            result.events.append(event)
            if event.get("type") == "phase":
                result.last_phase = event
                limit = limits.timeout_s
                if event.get("compile"):
                    limit = limits.compile_timeout_s
                elif event.get("phase") == "task" and limits.task_timeout_s is not None:
                    limit = limits.task_timeout_s
                limit += _extra_seconds(event.get("extra_s"), limits.max_extra_s)
                deadline = time.monotonic() + limit
            if on_event is not None:
                on_event(event)

    try:
        while proc.poll() is None:
            consume()
            moment = time.monotonic()
            if moment > deadline or moment > last_moment:
                result.timed_out = True
                result.phase_limit_s = limit
                if moment > last_moment:
                    result.job_limit_s = limits.job_timeout_s
                kill_tree(proc.pid)
                _kill_group(proc)
                break
            time.sleep(poll_s)
        proc.wait()
    except BaseException:
        kill_tree(proc.pid)
        _kill_group(proc)
        proc.wait()
        raise
    finally:
        _kill_group(proc)  # leftovers the candidate may have forked
        consume()
        reader.close()
        result.returncode = proc.returncode
        result.wall_s = time.monotonic() - start
        result.ended = time.time()
        result.stdout_tail = out.text()
        result.stderr_tail = err.text()
        if keep is not None:
            result.leftovers["kept"] = keep(workdir)
        shutil.rmtree(workdir, ignore_errors=True)
    return result


def _extra_seconds(value, most: float) -> float:
    """A phase event's ``extra_s``, which the child writes (and so the candidate can forge): a
    number in [0, ``most``]; NaN, infinity or anything else adds nothing."""
    try:
        extra = float(value or 0.0)
    except (TypeError, ValueError):
        return 0.0
    if not math.isfinite(extra) or extra < 0:
        return 0.0
    return min(extra, most)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc), children first."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{parent}/task/{tid}/children") as handle:
                    children = handle.read().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.append(child)
                    todo.append(child)
    return found


def kill_tree(pid: int) -> None:
    """SIGKILL every process below ``pid``, including those that left its process group
    (``setsid``): the worker is their subreaper, so they stay below it while it lives."""
    for child in reversed(descendants(pid)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(child, signal.SIGKILL)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
