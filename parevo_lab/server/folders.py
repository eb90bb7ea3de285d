"""The work folder and what is in it: one folder per run, check or audit, each this user's alone.

Only folders of this user that no one else can write are read (``private.py``): a work folder
that fails that is refused whole (every route answers its one line), a folder in it that fails
it is skipped with a warning, never listed, served or run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..commands.job import TASK_FILE
from ..errors import ConflictError, NotFoundError, ParevoError
from ..settings import MAX_RUNS
from ..task import TaskError, load_task
from .bodies import BadRequest
from .bodies import job_id as valid_id
from .jobs import LOG_FILE, REQUEST_FILE, JobManager
from .private import folder_problem, prepare_work_folder, write_private


class NotFound(NotFoundError):
    """No such run, check or candidate (404)."""


class Conflict(ConflictError):
    """The request does not fit the object's state, e.g. resuming a running run (409)."""


class WorkFolderRefused(ParevoError):
    """The work folder is another user's or others can write it: every route answers so (500)."""

    http_status = 500


def write_task(folder: Path, source: str, what: str = "task") -> Path:
    """Write a task cell's source to the folder and validate it (parsing only, nothing runs)."""
    path = folder / TASK_FILE
    write_private(path, source)
    try:
        load_task(path)
    except TaskError as exc:
        message = str(exc).replace(f"task file {path} ", "the task cell ")
        raise BadRequest(f"{what}: {message}") from None
    return path


def log_tail(folder: Path, lines: int = 1) -> str:
    try:
        text = (folder / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(kept[-lines:])


class WorkFolder:
    """The work folder: its runs/, checks/ and audits/, the folders in them this user alone
    owns and writes, and their jobs (``RunFolders`` builds the API's answers on it)."""

    def __init__(
        self,
        work_dir: Path,
        jobs: JobManager,
        defaults: dict | None = None,
        root_dir: Path | None = None,
        max_runs: int = MAX_RUNS,
    ):
        self.work_dir = Path(work_dir)
        self.root_dir = root_dir  # the server's root: notebook paths are shown relative to it
        self.runs_dir = self.work_dir / "runs"
        self.checks_dir = self.work_dir / "checks"
        self.audits_dir = self.work_dir / "audits"
        # one line when the work folder is not this user's alone: nothing in it is used
        self.problem = prepare_work_folder(self.work_dir)
        self.max_runs = max_runs
        self._warned: set[Path] = set()
        self.jobs = jobs
        self.defaults = defaults or {}
        # the answers of finished checks and audits never change: an event stream polling one
        # (and every GET) reuses it instead of reading the report and drawing its figure again
        self._finished: dict[tuple[str, str], dict] = {}

    def _trusted(self, root: Path) -> list[Path]:
        """The folders of ``root`` holding a request that are this user's alone; a warning, once,
        for each other one (nothing in it is listed, served or run)."""
        if self.problem:
            raise WorkFolderRefused(self.problem)
        found = []
        for folder in root.iterdir():
            if not (folder / REQUEST_FILE).exists():
                continue
            why = folder_problem(folder)
            if why is None:
                found.append(folder)
            elif folder not in self._warned and self.jobs.log:
                self._warned.add(folder)
                self.jobs.log.warning(
                    "parevo_lab: skipping the folder %s: %s; nothing in it is listed or run "
                    "(if it is yours: chmod 700 it)",
                    folder,
                    why,
                )
        return found

    def restore(self) -> None:
        """After a server (re)start: adopt live jobs and re-queue those that never started."""
        if self.problem:
            return
        roots = (("run", self.runs_dir), ("check", self.checks_dir), ("audit", self.audits_dir))
        for kind, root in roots:
            for folder in sorted(self._trusted(root), key=lambda p: p.stat().st_mtime):
                self.jobs.adopt(folder.name, kind, folder)

    def job_folder(self, kind: str, name: str) -> Path:
        """The folder of run, check or audit ``name``: NotFound (one line) when there is none or
        it is not this user's alone."""
        if self.problem:
            raise WorkFolderRefused(self.problem)
        root = {"run": self.runs_dir, "check": self.checks_dir, "audit": self.audits_dir}[kind]
        folder = root / valid_id(kind, name)
        if not (folder / REQUEST_FILE).exists():
            where = ": list the runs with GET /parevo-lab/runs" if kind == "run" else ""
            raise NotFound(f"no {kind} {name!r}{where}")
        why = folder_problem(folder)
        if why:
            raise NotFound(f"{kind} {name} is not served: its folder {folder}: {why}")
        return folder

    def delete(self, kind: str, name: str, status: str | None = None) -> None:
        """Remove the folder of an ended run, check or audit (``status``: what the API shows
        of it); Conflict while it is queued or running."""
        folder = self.job_folder(kind, name)
        job = self.jobs.get(name)
        status = job.state if job is not None and job.active else status
        if status in ("queued", "running"):
            raise Conflict(f"{kind} {name} is {status}: stop it first")
        shutil.rmtree(folder)  # not through symbolic links (job_folder refused one)
        self.jobs.forget(name)
        self._finished.pop((kind, name), None)
