"""The server's jobs: each run or check is a ``parevo`` child process in its own session.

A job is a folder under the work folder plus, while it runs, a process. The folder holds what the
job was asked (``request.json``), the process identity (``job.json``: pid, kernel start time and
the random mark the server put on the job's command line, so that neither a pid reused by another
program nor a process the server did not start is ever taken for ours), its output (``job.out``,
``job.log``) and, for runs, the run's SQLite file, all private to the user (0600 files in a 0700
folder; the job runs with the umask 077). Everything a person needs survives a server restart: a
process that outlived the server is adopted again, a queued job is queued again.

At most ``max_jobs`` processes run at once (one by default: two evaluations timing on the same two
cores would measure each other) and at most ``max_queued`` jobs wait. Stopping sends SIGTERM to
the job's process group (the CLI turns it into a clean stop that kills its sandbox child and
records "stopped"), then SIGKILL to every process group below it after a grace period.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import json
import os
import re
import secrets
import signal
import subprocess
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from ..commands.job import REQUEST_FILE  # the one name of a job's request file
from ..errors import ParevoError
from ..sandbox import descendants
from ..settings import MAX_QUEUED
from .private import JOB_UMASK, open_private, write_private

JOB_FILE = "job.json"
OUT_FILE = "job.out"
LOG_FILE = "job.log"


def new_id(name: str) -> str:
    """A run's, check's or audit's id: its name's slug, the time and a few random digits."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:40] or "task"
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%d-%H%M%S")
    return f"{slug}-{stamp}-{secrets.token_hex(2)}"


def now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_json(path: Path, data: dict) -> None:
    """Replace ``path`` with ``data`` at once (a reader never sees half a file), 0600."""
    tmp = path.with_name(path.name + ".tmp")
    write_private(tmp, json.dumps(data, indent=1))
    os.replace(tmp, path)


def start_time(pid: int) -> int | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), None if there is no such
    process or it is a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None
    return int(fields[19])


# Every job is this one command, started in its folder: it reads the folder's request.json
# (parevo_lab/commands/job.py). Nothing read from disk ever becomes a command line. -P: the
# folder is not on the job's import path, so no file in it can stand in for a module.
JOB_MODULE = "parevo_lab.commands.job"
MARK = re.compile(r"[0-9a-f]{32}")  # the random mark of one launch (secrets.token_hex(16))


def job_command(mark: str | None = None) -> list[str]:
    """The job command; ``mark``: the random mark of this launch, which the job ignores and a
    restarted server looks for (``is_job_process``)."""
    return [sys.executable, "-P", "-m", JOB_MODULE, *([mark] if mark else [])]


def process_owner(pid: int) -> int | None:
    """The effective user id of ``pid`` (from /proc/<pid>/status, readable for any process)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[2])
    return None


def is_job_process(pid: int, folder: Path, mark) -> bool:
    """Whether ``pid`` is the job a server launched in ``folder``, not just any process whose
    number a job file names: a process of this user running the job command with ``mark`` (the
    random mark job.json recorded at launch; no other process carries it) and, where /proc
    shows it, in ``folder``. A job that starts candidates is non-dumpable (``sandbox``), which
    closes its cwd and environment to a server that is not root; its command line stays open."""
    if not isinstance(mark, str) or not MARK.fullmatch(mark):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    args = [part.decode(errors="replace") for part in cmdline if part]
    if args[1:] != job_command(mark)[1:] or process_owner(pid) != os.geteuid():
        return False
    try:
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except PermissionError:  # non-dumpable: its mark and owner said enough
        return True
    except OSError:
        return False
    return Path(cwd) == Path(folder).resolve()


class QueueFull(ParevoError):
    """No room for another job in the queue (429)."""

    http_status = 429


@dataclass
class Job:
    id: str
    kind: str  # "run", "check" or "audit"
    folder: Path
    state: str = "queued"  # queued, running, exited, cancelled
    pid: int | None = None
    started: int | None = None  # kernel start time of pid
    returncode: int | None = None
    stop_requested: bool = False
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    def alive(self) -> bool:
        if self.proc is not None:
            return self.proc.poll() is None
        return self.pid is not None and start_time(self.pid) == self.started


class JobManager:
    def __init__(
        self,
        work_dir: Path,
        max_jobs: int = 1,
        env: dict | None = None,
        max_queued: int = MAX_QUEUED,
        log=None,
        stop_grace_s: float = 10.0,
        poll_s: float = 0.25,
        on_change=None,
    ):
        self.work_dir = Path(work_dir)
        self.max_jobs = max(1, int(max_jobs))
        self.max_queued = max(1, int(max_queued))
        self.env = env if env is not None else dict(os.environ)
        self.env_for = None  # job -> its own environment, when set (server/app.py: a model key)
        self.log = log
        self.stop_grace_s = stop_grace_s
        self.poll_s = poll_s
        self.on_change = on_change or (lambda job: None)
        self.jobs: dict[str, Job] = {}
        self.queue: deque[str] = deque()
        self._watchers: set[asyncio.Task] = set()

    # -- state ----------------------------------------------------------------------------------

    @property
    def running(self) -> list[Job]:
        return [j for j in self.jobs.values() if j.state == "running"]

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def check_room(self) -> None:
        """QueueFull when ``max_queued`` jobs already wait (before anything is written)."""
        waiting = sum(1 for job in self.jobs.values() if job.state == "queued")
        if waiting >= self.max_queued:
            jobs = f"{waiting} job{'s' if waiting != 1 else ''}"
            raise QueueFull(
                f"the queue is full ({jobs} waiting, c.ParevoLab.max_queued = "
                f"{self.max_queued}): wait for one to start, or stop one"
            )

    def forget(self, job_id: str) -> None:
        """Drop an ended job (its folder is being deleted)."""
        job = self.jobs.get(job_id)
        if job is not None and not job.active:
            del self.jobs[job_id]

    def adopt(self, job_id: str, kind: str, folder: Path) -> Job | None:
        """After a restart: take back a job whose process still runs, or re-queue one that never
        started. Returns the job, or None when the folder's job is over."""
        info = read_json(folder / JOB_FILE)
        request = read_json(folder / REQUEST_FILE)
        pid, started = info.get("pid"), info.get("start_time")
        alive = type(pid) is int and pid > 0 and "returncode" not in info
        alive = alive and start_time(pid) == started
        if alive and is_job_process(pid, folder, info.get("mark")):
            job = Job(job_id, kind, folder, "running", pid, started)
            self.jobs[job_id] = job
            self._watch(job)
            return job
        if request.get("state") == "queued" and not info:
            job = Job(job_id, kind, folder)
            self.jobs[job_id] = job
            self.queue.append(job_id)
            self._pump()
            return job
        return None

    # -- submitting, starting, stopping ---------------------------------------------------------

    def submit(self, job: Job) -> Job:
        self.jobs[job.id] = job
        job.state = "queued"
        job.returncode = None
        job.stop_requested = False
        self._mark(job, "queued")
        (job.folder / JOB_FILE).unlink(missing_ok=True)
        self.queue.append(job.id)
        self._pump()
        return job

    def _mark(self, job: Job, state: str, **extra) -> None:
        path = job.folder / REQUEST_FILE
        request = read_json(path)
        request.update(state=state, **extra)
        write_json(path, request)

    def _pump(self) -> None:
        while self.queue and len(self.running) < self.max_jobs:
            job = self.jobs[self.queue.popleft()]
            if job.state != "queued":
                continue
            try:
                self._launch(job)
            except OSError as exc:  # the interpreter vanished, the folder is unwritable...
                job.state = "exited"
                job.returncode = -1
                write_private(job.folder / LOG_FILE, f"could not start the job: {exc}\n")
                self._mark(job, "exited")
                self.on_change(job)

    def _launch(self, job: Job) -> None:
        mark = secrets.token_hex(16)
        out, err = open_private(job.folder / OUT_FILE), open_private(job.folder / LOG_FILE)
        with out, err:
            job.proc = subprocess.Popen(
                job_command(mark),
                cwd=job.folder,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=self.env_for(job) if self.env_for else self.env,
                umask=JOB_UMASK,
                start_new_session=True,  # its own process group: stop takes it whole
            )
        job.pid = job.proc.pid
        job.started = start_time(job.pid)
        job.state = "running"
        write_json(
            job.folder / JOB_FILE,
            {"pid": job.pid, "start_time": job.started, "mark": mark, "launched": now()},
        )
        self._mark(job, "running")
        if self.log:
            self.log.info("parevo_lab: started %s %s (pid %s)", job.kind, job.id, job.pid)
        self.on_change(job)
        self._watch(job)

    def _watch(self, job: Job) -> None:
        task = asyncio.get_event_loop().create_task(self._wait(job))
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)

    async def _wait(self, job: Job) -> None:
        while job.alive():
            await asyncio.sleep(self.poll_s)
        if job.proc is not None:
            job.returncode = job.proc.returncode
        info = read_json(job.folder / JOB_FILE)
        info.update(returncode=job.returncode, ended=now())
        write_json(job.folder / JOB_FILE, info)
        job.state = "exited"
        self._mark(job, "exited")
        if self.log:
            self.log.info("parevo_lab: %s %s ended (%s)", job.kind, job.id, job.returncode)
        self.on_change(job)
        self._pump()

    def stop(self, job_id: str) -> bool:
        """Stop a job: a queued one never starts, a running one gets SIGTERM then SIGKILL."""
        job = self.jobs.get(job_id)
        if job is None or not job.active:
            return False
        job.stop_requested = True
        if job.state == "queued":
            job.state = "cancelled"
            self._mark(job, "cancelled")
            self.on_change(job)
            return True
        self._signal_group(job.pid, signal.SIGTERM)
        asyncio.get_event_loop().call_later(self.stop_grace_s, self._kill, job)
        return True

    def _kill(self, job: Job) -> None:
        if job.state != "running" or not job.alive():
            return
        for pid in [job.pid, *descendants(job.pid)]:
            self._signal_group(pid, signal.SIGKILL)

    @staticmethod
    def _signal_group(pid: int | None, sig: int) -> None:
        if not pid:
            return
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass

    async def shutdown(self, stop: bool = True) -> None:
        """Stop watching. With ``stop`` the running jobs are stopped (SIGTERM, then SIGKILL after
        the grace period) and stay resumable; without, they go on and the next server adopts
        them."""
        if stop:
            running = list(self.running)
            for job in running:
                job.stop_requested = True
                self._signal_group(job.pid, signal.SIGTERM)
            waited = 0.0
            while any(job.alive() for job in running) and waited < self.stop_grace_s:
                await asyncio.sleep(0.1)
                waited += 0.1
            for job in running:
                if job.alive():
                    for pid in [job.pid, *descendants(job.pid)]:
                        self._signal_group(pid, signal.SIGKILL)
        for task in list(self._watchers):
            task.cancel()
