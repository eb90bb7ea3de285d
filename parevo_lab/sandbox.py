"""Run untrusted work in a child process with limits.

The child (``python -m parevo_lab.worker``) runs in its own process group, with a memory limit,
capped thread pools and an environment without secrets. It reports by appending JSON lines to an
events file, so everything it recorded before a hang, a segfault or ``os._exit`` survives. The
parent enforces a wall-clock deadline per *phase*: each ``{"type": "phase"}`` event the child
writes restarts the clock with that phase's limit, so a slow cold compile does not eat the time a
single candidate call is allowed, and a native infinite loop is killed ``timeout_s`` after the
call started.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import settings
from .errors import ParevoError

# Variables a candidate must never see: tokens of the Jupyter server, model API keys, cloud keys.
_SECRET_NAME = re.compile(
    r"TOKEN|SECRET|PASSW|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|COOKIE|SESSION", re.I
)
_SECRET_PREFIXES = ("JUPYTER", "JPY_", "OPENAI_", "ANTHROPIC_", "AWS_", "AZURE_", "GOOGLE_", "GH_")
# Variables that would change how the child's Python starts.
_UNSAFE = ("PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONBREAKPOINT", "NUMBA_DISABLE_JIT")

SIGNAL_MEANINGS = {
    signal.SIGSEGV: "segmentation fault (invalid memory access)",
    signal.SIGBUS: "bus error (invalid memory access)",
    signal.SIGFPE: "arithmetic fault (integer division by zero?)",
    signal.SIGABRT: "aborted",
    signal.SIGILL: "illegal instruction",
    signal.SIGKILL: "killed (out of memory?)",
}


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


@dataclass
class SandboxRun:
    """What came back from one child process."""

    events: list[dict] = field(default_factory=list)
    returncode: int | None = None
    timed_out: bool = False
    last_phase: dict | None = None  # the phase running when the child ended or was killed
    phase_limit_s: float = 0.0
    stdout_tail: str = ""
    stderr_tail: str = ""
    wall_s: float = 0.0
    spawned_at: float = 0.0  # time.monotonic() when the child was started
    began: float = 0.0  # time.time() when the child was started, and when it was reaped
    ended: float = 0.0
    leftovers: dict = field(default_factory=dict)  # small files the child left, read before cleanup

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
        if self.timed_out:
            return f"timed out after {self.phase_limit_s:g} s"
        if self.returncode is not None and self.returncode < 0:
            meaning = SIGNAL_MEANINGS.get(-self.returncode, "")
            return f"crashed with {self.signal_name}" + (f": {meaning}" if meaning else "")
        return (
            f"exited with status {self.returncode} before finishing "
            "(os._exit, sys.exit or an abort in native code)"
        )

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


# -- the host's cores: verifications share them, a profile has them to itself ------------------

CORES_LOCK = "parevo-lab-cores.lock"


def _lock_file(suffix: str = "") -> int:
    """An open descriptor on the host-wide lock file (in the system's temporary folder, so every
    process of every user on this host finds the same one; per user when another user's file
    cannot be opened)."""
    folder = tempfile.gettempdir()
    path = os.path.join(folder, CORES_LOCK + suffix)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        fd = os.open(f"{path}.{os.getuid()}", os.O_RDWR | os.O_CREAT, 0o600)
    with contextlib.suppress(PermissionError):
        os.fchmod(fd, 0o666)
    return fd


@contextlib.contextmanager
def _cores(exclusive: bool):
    """A readers-writer lock over the host's cores, across processes (flock). The gate makes it
    fair: a profile waiting for the cores stops new verifications from starting before it."""
    gate, cores = _lock_file(".gate"), _lock_file()
    try:
        fcntl.flock(gate, fcntl.LOCK_EX)
        try:
            fcntl.flock(cores, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        finally:
            fcntl.flock(gate, fcntl.LOCK_UN)
        yield
    finally:
        os.close(cores)  # closing the descriptor releases its lock
        os.close(gate)


def cores_shared():
    """Held while compiling, verifying and replaying for races: any number at once, none while a
    profile runs on this host."""
    return _cores(exclusive=False)


def cores_exclusive():
    """Held while profiling: the timing child has this host's cores to itself, so measurements
    from different runs, servers or Dask workers never share cores."""
    return _cores(exclusive=True)


def clean_environment(threads: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The child's environment: no secrets, one thread for every pool but numba's."""
    env = {}
    for name, value in os.environ.items():
        upper = name.upper()
        if _SECRET_NAME.search(upper) or upper.startswith(_SECRET_PREFIXES) or upper in _UNSAFE:
            continue
        env[name] = value
    env.update(
        NUMBA_NUM_THREADS=str(max(1, threads)),
        OMP_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        NUMEXPR_NUM_THREADS="1",
        VECLIB_MAXIMUM_THREADS="1",
        NUMBA_DISABLE_ERROR_MESSAGE_HIGHLIGHTING="1",
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    # The child must import this very package, wherever it was loaded from.
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH", "")) if p)
    if extra:
        env.update(extra)
    return env


class _Tail:
    """Drain a pipe in a thread, keeping only the last ``limit`` bytes."""

    def __init__(self, stream, limit: int):
        self.limit = limit
        self.buffer = bytearray()
        self.dropped = 0
        self.thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self.thread.start()

    def _drain(self, stream):
        for chunk in iter(lambda: stream.read(65536), b""):
            self.buffer += chunk
            if len(self.buffer) > self.limit:
                cut = len(self.buffer) - self.limit
                self.dropped += cut
                del self.buffer[:cut]
        stream.close()

    def text(self) -> str:
        self.thread.join(timeout=2)
        text = self.buffer.decode("utf-8", "replace")
        if self.dropped:
            text = f"[... {self.dropped} earlier bytes dropped ...]\n" + text
        return text


class _EventReader:
    """Reads the child's events file through a descriptor opened before the child starts, so a
    candidate that deletes the files of its working folder cannot hide what was recorded."""

    def __init__(self, path: str):
        self.handle = open(path, "ab+")  # noqa: SIM115 - closed in close()
        self.handle.seek(0)
        self.partial = b""

    def read_new(self) -> list[dict]:
        data = self.handle.read()
        if not data:
            return []
        data = self.partial + data
        lines = data.split(b"\n")
        self.partial = lines.pop()
        events = []
        for line in lines:
            if line.strip():
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a torn line from a child killed mid-write
        return events

    def close(self) -> None:
        self.handle.close()


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
    workdir = tempfile.mkdtemp(prefix="parevo-sandbox-")
    job_path = os.path.join(workdir, "job.json")
    events_path = os.path.join(workdir, "events.jsonl")
    with open(job_path, "w") as handle:
        json.dump({**job, "memory_mb": limits.memory_mb, "parent_pid": os.getpid()}, handle)
    reader = _EventReader(events_path)
    result = SandboxRun()
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
    out = _Tail(proc.stdout, limits.output_tail_bytes)
    err = _Tail(proc.stderr, limits.output_tail_bytes)
    limit = limits.startup_timeout_s
    deadline = start + limit

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
                limit += float(event.get("extra_s", 0.0))
                deadline = time.monotonic() + limit
            if on_event is not None:
                on_event(event)

    try:
        while proc.poll() is None:
            consume()
            if time.monotonic() > deadline:
                result.timed_out = True
                result.phase_limit_s = limit
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
