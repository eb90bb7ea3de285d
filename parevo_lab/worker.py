"""The sandboxed child: ``python -m parevo_lab.worker JOB.json EVENTS.jsonl``.

It sets its own limits before touching any untrusted code, imports the task and the candidate
from their content-hash-named files, runs one job (``verify``, ``profile``, ``retime``, ...) and
appends one JSON line per result to the events file. The parent reads those lines even if this
process is killed, crashes or calls ``os._exit`` half way.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import time
import traceback
from pathlib import Path

from . import settings
from .task import TaskProblem, fresh_copy


class Emitter:
    def __init__(self, path: str):
        self.handle = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115

    def __call__(self, event: dict) -> None:
        # CLOCK_MONOTONIC is system-wide: the parent can subtract its own readings.
        event["t"] = time.monotonic()
        self.handle.write(json.dumps(event, default=_json_default) + "\n")
        self.handle.flush()

    def phase(
        self,
        phase: str,
        label: str,
        *,
        compile: bool = False,
        extra_s: float = 0.0,
        case: dict | None = None,
    ) -> None:
        event = {"type": "phase", "phase": phase, "label": label}
        if compile:
            event["compile"] = True
        if extra_s:
            event["extra_s"] = extra_s
        if case is not None:
            event["case"] = case
        self(event)


def _json_default(obj):
    if hasattr(obj, "to_dict"):
        return obj.to_dict()
    if hasattr(obj, "item"):
        return obj.item()
    return str(obj)


class Session:
    """What both jobs share: the imported task and candidate, inputs and expected outputs."""

    def __init__(self, job: dict, emit: Emitter):
        self.job = job
        self.emit = emit
        for directory in (job.get("task_dir"), job.get("candidate_dir"), job["sources_dir"]):
            if directory and directory not in sys.path:
                sys.path.insert(0, directory)
        self.sources_dir = Path(job["sources_dir"])
        emit.phase("task", "importing the task file")
        try:
            self.task = importlib.import_module(job["task_module"])
        except BaseException as exc:  # noqa: BLE001 - SystemExit included: task code is untrusted
            raise TaskProblem(f"importing the task file raised {_one_line(exc)}") from None
        for name in ("reference", "make_inputs"):
            if not callable(getattr(self.task, name, None)):
                raise TaskProblem(f"`{name}` in the task file is not a function")
        self.tolerance = job.get("tolerance")  # TOLERANCE, validated by the parent
        self.check = getattr(self.task, "check", None)
        if self.check is not None and not callable(self.check):
            raise TaskProblem("`check` in the task file is not a function")
        self.candidate_module = None
        if job.get("candidate_module"):
            self.use_candidate(job["candidate_module"])

    def use_candidate(self, module: str) -> None:
        """Make ``module`` (a content-named source file) the candidate: an audit's child
        verifies one mutant after another with the same inputs."""
        self.job["candidate_module"] = module
        self.candidate_path = self.sources_dir / f"{module}.py"
        self.candidate_source = self.candidate_path.read_text(encoding="utf-8")
        self.candidate_module = None

    def import_candidate(self):
        """Run the candidate's module code; returns an exception instead of raising."""
        self.emit.phase("import", "importing the candidate")
        workdir = os.getcwd()
        try:
            self.candidate_module = importlib.import_module(self.job["candidate_module"])
        except BaseException as exc:  # noqa: BLE001
            return exc
        finally:
            _stay_in(workdir)
        return None

    def inputs(self, size: int, seed: int) -> tuple:
        import numpy as np

        self.emit.phase("task", f"make_inputs({size}, seed {seed})")
        try:
            args = self.task.make_inputs(size, np.random.default_rng(seed))
        except BaseException as exc:  # noqa: BLE001
            raise TaskProblem(f"make_inputs({size}, rng) raised {_one_line(exc)}") from None
        if not isinstance(args, tuple):
            if isinstance(args, list):
                args = tuple(args)
            else:
                raise TaskProblem(
                    f"make_inputs({size}, rng) returned a {type(args).__name__}: "
                    "return the kernel's arguments as a tuple"
                )
        return args

    def expected(self, function, args: tuple, label: str, extra_s: float = 0.0):
        """(return value, arguments after the call) of the reference on fresh copies of ``args``."""
        fresh = fresh_copy(args)
        self.emit.phase("task", label, extra_s=extra_s)
        try:
            value = function(*fresh)
        except BaseException as exc:  # noqa: BLE001
            raise TaskProblem(f"the reference raised {_one_line(exc)} ({label})") from None
        return value, fresh

    def argument_names(self) -> list[str]:
        import inspect

        try:
            return list(inspect.signature(self.task.reference).parameters)
        except (TypeError, ValueError):
            return []


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _stay_in(workdir: str) -> None:
    """Back to the working folder, made again if the candidate deleted it (numba needs a
    current directory to compile): what the candidate did to its files is its own business."""
    try:
        os.getcwd()
        os.chdir(workdir)
    except OSError:
        os.makedirs(workdir, exist_ok=True)
        os.chdir(workdir)


def guard(parent_pid: int | None) -> None:
    """Ask the kernel to kill this child when the process that started it dies (a Dask worker
    killed mid-evaluation, a ``kill -9`` of ``parevo``: nobody would enforce its deadline), and
    to make it the parent of any orphan the candidate leaves (a double fork with ``setsid``
    leaves the process group), so that ``sandbox.kill_tree`` finds those too."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
            libc.prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
        except (OSError, AttributeError):
            pass
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(3)  # the parent died before the request took effect


def set_limits(limits: dict) -> None:
    """The child's own limits, set before any untrusted code runs (``sandbox.Limits.for_child``):
    address space, no core files, the largest file (a candidate writing past it gets SIGXFSZ),
    open files, and processes and threads. RLIMIT_NPROC counts every process and thread of the
    user, so it is set to those the user runs now plus a margin: a fork bomb stops there, a
    normal run never reaches it (root is exempt from it, and is not limited here). Each limit
    only ever lowers what the child inherited (soft = hard: the candidate cannot raise it again
    unless it runs as root)."""
    mib = 1024 * 1024
    _lower(resource.RLIMIT_AS, int(limits.get("memory_mb", settings.MEMORY_MB)) * mib)
    _lower(resource.RLIMIT_CORE, 0)  # no core files from a crashing candidate
    _lower(resource.RLIMIT_FSIZE, int(limits.get("file_size_mb", settings.FILE_SIZE_MB)) * mib)
    _lower(resource.RLIMIT_NOFILE, int(limits.get("open_files", settings.OPEN_FILES)))
    if os.getuid() != 0:
        from .sandbox import user_tasks

        margin = int(limits.get("process_margin", settings.PROCESS_MARGIN))
        _lower(resource.RLIMIT_NPROC, user_tasks() + margin + int(limits.get("threads", 1)))


def _lower(limit: int, value: int) -> None:
    hard = resource.getrlimit(limit)[1]
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(limit, (value, value))
    except (ValueError, OSError):
        pass


def main(argv: list[str]) -> int:
    job_path, events_path = argv
    with open(job_path) as handle:
        job = json.load(handle)
    guard(job.get("parent_pid"))
    set_limits(job.get("limits") or {"memory_mb": job.get("memory_mb", settings.MEMORY_MB)})
    emit = Emitter(events_path)
    try:
        import numba  # noqa: F401 - part of start-up, timed apart from the stages
        import numpy  # noqa: F401
        from numba.np.ufunc import parallel

        from .sandbox import layers

        # TBB for a kernel that sets a chunk size (only TBB honours it), OpenMP otherwise
        layers.configure(layers.candidate_source(job))
        # Start the thread pool now: it registers the scheduler's symbols with LLVM. A kernel
        # whose first parallel compile links a *cached* parallel function (a primitive) would
        # otherwise abort with "LLVM ERROR: Symbol not found: allocate_sched" (numba 0.68).
        parallel._launch_threads()

        emit(
            {
                "type": "ready",
                "numba": numba.__version__,
                "threads": numba.config.NUMBA_NUM_THREADS,
                "layer": numba.threading_layer(),
            }
        )
        session = Session(job, emit)
        if job["job"] == "ping":
            pass
        elif job["job"] == "verify":
            from .cascade import verify

            verify.run(session)
        elif job["job"] == "profile":
            from .cascade import profile

            profile.run(session)
        elif job["job"] == "explain":
            from .cascade.compiled.job import explain_job

            explain_job(session)
        elif job["job"] == "retime":
            from .cascade import duel

            duel.run(session)
        elif job["job"] in ("mutants", "probe"):
            from .cascade import audit

            audit.run(session)
        else:
            raise ValueError(f"unknown job {job['job']!r}")
    except TaskProblem as exc:
        emit({"type": "task_error", "message": str(exc)})
    except MemoryError:
        emit({"type": "crash", "message": "out of memory", "traceback": traceback.format_exc()})
    except BaseException as exc:  # noqa: BLE001 - report, never die silently
        emit({"type": "crash", "message": _one_line(exc), "traceback": traceback.format_exc()})
    emit({"type": "done"})
    sys.stdout.flush()
    from .sandbox import kill_tree

    kill_tree(os.getpid())  # whatever the candidate started dies with the job
    os._exit(0)  # skip interpreter teardown: numba's thread pool can hang it after a fault


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
