"""Runs, checks and audits as the REST API shows them, read from their folders under the work
folder.

A run's folder is exactly what ``parevo evolve --out`` writes (``run.sqlite``, ``best.py``) plus
the request that started it and the task file written from the notebook cell: a run started from
the workbench can be resumed from a terminal and the other way round.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..commands.job import CANDIDATE_FILE, TASK_FILE
from ..errors import ConflictError, NotFoundError, ParevoError
from ..evolution import BEST_FILE, RUN_FILE
from ..rundir import RunNotFound, candidate_detail, read_run
from ..settings import run_defaults
from ..store import Store
from ..task import TaskError, load_task
from . import notebook_runs
from .jobs import (
    LOG_FILE,
    OUT_FILE,
    REQUEST_FILE,
    Job,
    JobManager,
    new_id,
    now,
    read_json,
    write_json,
)

ACTIVE = ("queued", "running")
RESUMABLE = ("stopped", "interrupted", "failed", "finished", "cancelled")
DEFAULTS = run_defaults()  # for request files written before the server's defaults were stored


class NotFound(NotFoundError):
    """No such run, check or candidate (404)."""


class Conflict(ConflictError):
    """The request does not fit the object's state, e.g. resuming a running run (409)."""


class BadRequest(ParevoError, ValueError):
    """The request names something unusable, e.g. a cell that is not a task (400)."""


def _write_task(folder: Path, source: str, what: str = "task") -> Path:
    """Write a task cell's source to the folder and validate it (parsing only, nothing runs)."""
    path = folder / TASK_FILE
    path.write_text(source, encoding="utf-8")
    try:
        load_task(path)
    except TaskError as exc:
        message = str(exc).replace(f"task file {path} ", "the task cell ")
        raise BadRequest(f"{what}: {message}") from None
    return path


def _log_tail(folder: Path, lines: int = 1) -> str:
    try:
        text = (folder / LOG_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(kept[-lines:])


class RunFolders:
    """What the handlers call: the folders of runs, checks and audits under the work folder,
    and their jobs (the notebook's widget is the other, unrelated, ``parevo_lab.Workbench``)."""

    def __init__(
        self,
        work_dir: Path,
        jobs: JobManager,
        defaults: dict | None = None,
        root_dir: Path | None = None,
    ):
        self.work_dir = Path(work_dir)
        self.root_dir = root_dir  # the server's root: notebook paths are shown relative to it
        self.runs_dir = self.work_dir / "runs"
        self.checks_dir = self.work_dir / "checks"
        self.audits_dir = self.work_dir / "audits"
        for folder in (self.runs_dir, self.checks_dir, self.audits_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.jobs = jobs
        self.defaults = defaults or {}
        # the answers of finished checks and audits never change: an event stream polling one
        # (and every GET) reuses it instead of reading the report and drawing its figure again
        self._finished: dict[tuple[str, str], dict] = {}

    def restore(self) -> None:
        """After a server (re)start: adopt live jobs and re-queue those that never started."""
        roots = (("run", self.runs_dir), ("check", self.checks_dir), ("audit", self.audits_dir))
        for kind, root in roots:
            for folder in sorted(root.iterdir(), key=lambda p: p.stat().st_mtime):
                if (folder / REQUEST_FILE).exists():
                    self.jobs.adopt(folder.name, kind, folder)

    # -- runs -----------------------------------------------------------------------------------

    def _run_folder(self, run_id: str) -> Path:
        folder = self.runs_dir / run_id
        if "/" in run_id or run_id.startswith(".") or not (folder / REQUEST_FILE).exists():
            raise NotFound(f"no run {run_id!r}: list the runs with GET /parevo-lab/runs")
        return folder

    def start_run(self, body: dict) -> dict:
        settings = {**self.defaults, **{k: v for k, v in body.items() if v is not None}}
        run_id = new_id(settings.get("name") or "task")
        folder = self.runs_dir / run_id
        folder.mkdir(parents=True)
        try:
            _write_task(folder, body["task"])
            for i, cand in enumerate(body.get("candidates") or []):
                (folder / f"manual-{i}.py").write_text(cand["source"], encoding="utf-8")
        except BadRequest:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
            raise
        request = {
            "id": run_id,
            "kind": "run",
            "created": now(),
            "settings": {k: v for k, v in settings.items() if k not in ("task", "candidates")},
            "candidates": [c.get("function", "kernel") for c in body.get("candidates") or []],
        }
        write_json(folder / REQUEST_FILE, request)
        self.jobs.submit(Job(run_id, "run", folder))
        return self.run(run_id)

    def runs(self) -> list[dict]:
        folders = [p for p in self.runs_dir.iterdir() if (p / REQUEST_FILE).exists()]
        folders.sort(key=lambda p: read_json(p / REQUEST_FILE).get("created", ""))
        return [self.run(p.name, candidates=False) for p in folders]

    def run(self, run_id: str, candidates: bool = False) -> dict:
        folder = self._run_folder(run_id)
        request = read_json(folder / REQUEST_FILE)
        job = self.jobs.get(run_id)
        settings = request.get("settings", {})
        out = {
            "id": run_id,
            "created": request.get("created"),
            "name": settings.get("name") or "task",
            "notebook": settings.get("notebook"),
            "cell_id": settings.get("cell_id"),
            "generator": settings.get("generator", DEFAULTS["generator"]),
            "budget": request.get("budget") or settings.get("budget", DEFAULTS["budget"]),
            "threads": settings.get("threads"),
            "status": "queued",
            "reason": "",
            "evaluations": 0,
            "population": 0,
            "evaluating": None,
            "best": None,
            "run": None,
        }
        state_in_db = read_run(folder)
        rows = []
        if state_in_db is not None:
            keys = ("run", "status", "reason", "population", "evaluations", "best")
            out.update({k: state_in_db[k] for k in keys})
            rows = state_in_db["candidates"]
        if notebook_runs.is_notebook_run(request):  # %parevo_evolve in a kernel of this server
            notebook_runs.settle(request, out, self.root_dir)
        else:
            self._settle_job(folder, request, job, out, rows)
        if candidates:
            out["candidates"] = rows
        return out

    def _settle_job(self, folder: Path, request: dict, job, out: dict, rows: list) -> None:
        """A server run's status from its job (queued, running) or what it left behind."""
        state = job.state if job else request.get("state")
        if job and job.state == "queued":
            out["status"] = "queued"
        elif job and job.state == "running":
            out["status"] = "running"
            pending = [r for r in rows if not r["verdict"]]
            out["evaluating"] = pending[0]["id"] if pending else None
            for r in rows:
                r["state"] = "evaluating" if r["id"] == out["evaluating"] else r["state"]
        elif state == "cancelled":
            out.update(status="stopped", reason="stopped before it started")
        elif out["run"] is None:
            out["status"] = "failed"
            out["reason"] = _log_tail(folder) or "the run ended before it began"
        elif out["status"] == "running":  # the process is gone and never said why
            out["status"] = "stopped" if job and job.stop_requested else "interrupted"
            out["reason"] = "the run's process ended (server restart, kill): resume it"
        if out["status"] == "failed" and not out["reason"]:
            out["reason"] = _log_tail(folder)
        out["resumable"] = out["status"] in RESUMABLE and out["run"] is not None

    def stop_run(self, run_id: str) -> dict:
        folder = self._run_folder(run_id)
        request = read_json(folder / REQUEST_FILE)
        if notebook_runs.is_notebook_run(request):
            # only a run that is running: the kernel may be busy with something else now
            if self.run(run_id)["status"] != "running" or not notebook_runs.interrupt(request):
                raise Conflict(f"run {run_id} is not running: nothing to stop")
            return self.run(run_id)
        job = self.jobs.get(run_id)
        if job is None or not job.active:
            raise Conflict(f"run {run_id} is not running: nothing to stop")
        self.jobs.stop(run_id)
        return self.run(run_id)

    def resume_run(self, run_id: str, budget: int | None = None) -> dict:
        folder = self._run_folder(run_id)
        job = self.jobs.get(run_id)
        if job is not None and job.active:
            raise Conflict(f"run {run_id} is already {job.state}: stop it before resuming")
        current = self.run(run_id)
        if current.get("origin") == notebook_runs.ORIGIN:
            raise Conflict(
                f"run {run_id} belongs to its notebook: resume it there with "
                "%parevo_evolve --resume"
            )
        if current["run"] is None:
            raise Conflict(
                f"run {run_id} never started ({current['reason']}): start a new run instead"
            )
        request = read_json(folder / REQUEST_FILE)
        total = budget or max(
            request.get("budget") or 0, request["settings"].get("budget", DEFAULTS["budget"])
        )
        if current["status"] == "finished" and total <= current["evaluations"]:
            total = current["evaluations"] + request["settings"].get("budget", DEFAULTS["budget"])
        request["budget"] = total
        request["resume"] = True
        write_json(folder / REQUEST_FILE, request)
        self.jobs.submit(Job(run_id, "run", folder))
        return self.run(run_id)

    def _store(self, run_id: str):
        folder = self._run_folder(run_id)
        database = folder / RUN_FILE
        if not database.exists():
            raise NotFound(f"run {run_id} has no candidates yet")
        store = Store(database)
        runs = store.runs()
        if not runs:
            store.close()
            raise NotFound(f"run {run_id} has no candidates yet")
        return store, runs[-1]

    def candidates(self, run_id: str) -> list[dict]:
        return self.run(run_id, candidates=True)["candidates"]

    def candidate(self, run_id: str, candidate_id: int) -> dict:
        try:
            return candidate_detail(self._run_folder(run_id), candidate_id)
        except RunNotFound:
            if (self._run_folder(run_id) / RUN_FILE).exists():
                raise NotFound(f"run {run_id} has no candidate {candidate_id}") from None
            raise NotFound(f"run {run_id} has no candidates yet") from None

    def best_source(self, run_id: str) -> str | None:
        path = self._run_folder(run_id) / BEST_FILE
        return path.read_text(encoding="utf-8") if path.exists() else None

    def pin(self, run_id: str, candidate_id: int, resume: bool = True) -> dict:
        """ "Use as parent": the run's next proposal grows from this candidate."""
        store, run = self._store(run_id)
        with store:
            if store.candidate(run["id"], candidate_id) is None:
                raise NotFound(f"run {run_id} has no candidate {candidate_id}")
            store.pin(run["id"], candidate_id)
        job = self.jobs.get(run_id)
        if resume and not (job and job.active):
            return self.resume_run(run_id)
        return self.run(run_id)

    def add_candidate(self, run_id: str, source: str, function: str = "kernel") -> dict:
        """A person's own candidate joins the population (evaluated next by the live run)."""
        from ..kernel import Kernel

        folder = self._run_folder(run_id)
        task = load_task(folder / TASK_FILE)
        store, run = self._store(run_id)
        with store:
            candidate_id = store.add_candidate(
                run["id"],
                task,
                Kernel(source=source, function=function),
                parent_id=None,
                origin="manual",
                label="added by hand from the notebook",
                family="manual",
            )
        if candidate_id is None:
            raise Conflict(f"run {run_id} already holds this candidate")
        return {"id": candidate_id}

    # -- one-off jobs: checks and audits ------------------------------------------------------

    def _new_job_folder(self, root: Path, name: str, task: str) -> tuple[str, Path]:
        job_id = new_id(name)
        folder = root / job_id
        folder.mkdir(parents=True)
        try:
            _write_task(folder, task)
        except BadRequest:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
            raise
        return job_id, folder

    def _submit(self, kind: str, job_id: str, folder: Path, body: dict) -> None:
        """Write the job's request (the server's thread counts where the body has none) and
        queue it: the job starts from that file (``parevo_lab.commands.job``)."""
        settings = {k: v for k, v in body.items() if k not in ("task", "candidate")}
        if not settings.get("threads") and self.defaults.get("threads"):
            settings["threads"] = list(self.defaults["threads"])
        write_json(
            folder / REQUEST_FILE,
            {"id": job_id, "kind": kind, "created": now(), "settings": settings},
        )
        self.jobs.submit(Job(job_id, kind, folder))

    def _one_off(self, kind: str, root: Path, job_id: str) -> tuple[dict, dict | None]:
        """The job's answer without its result, and the JSON its command printed (None while it
        runs); a job that printed nothing usable is ``failed`` or ``stopped`` with why."""
        folder = root / job_id
        if "/" in job_id or not (folder / REQUEST_FILE).exists():
            raise NotFound(f"no {kind} {job_id!r}")
        request = read_json(folder / REQUEST_FILE)
        job = self.jobs.get(job_id)
        out = {
            "id": job_id,
            "created": request.get("created"),
            "notebook": request.get("settings", {}).get("notebook"),
            "cell_id": request.get("settings", {}).get("cell_id"),
            "status": job.state if job and job.active else "done",
            "summary": "",
            "report": None,
        }
        if out["status"] != "done":
            return out, None
        try:
            text = (folder / OUT_FILE).read_text(encoding="utf-8").strip()
            printed = json.loads(text.splitlines()[-1]) if text else None
        except (OSError, ValueError, IndexError):
            printed = None
        if isinstance(printed, dict) and "error" in printed:
            out.update(status="failed", summary=printed["error"])
            return out, None
        if not isinstance(printed, dict):
            stopped = job is not None and job.stop_requested
            out.update(
                status="stopped" if stopped else "failed",
                summary=_log_tail(folder) or f"the {kind} ended without a report",
            )
        return out, printed

    def _stop_one_off(self, kind: str, job_id: str) -> None:
        if not self.jobs.stop(job_id):
            raise Conflict(f"{kind} {job_id} is not running: nothing to stop")

    # -- checks: one candidate cell against the task cell --------------------------------------

    def start_check(self, body: dict) -> dict:
        check_id, folder = self._new_job_folder(
            self.checks_dir, body.get("name") or "check", body["task"]
        )
        (folder / CANDIDATE_FILE).write_text(body["candidate"], encoding="utf-8")
        self._submit("check", check_id, folder, body)
        return self.check(check_id)

    def _remember(self, kind: str, job_id: str, out: dict) -> dict:
        if out["status"] not in ("queued", "running"):
            self._finished[(kind, job_id)] = out
        return dict(out)

    def check(self, check_id: str) -> dict:
        from ..cells import reference_view

        if ("check", check_id) in self._finished:
            return dict(self._finished[("check", check_id)])
        out, report = self._one_off("check", self.checks_dir, check_id)
        task = self.checks_dir / check_id / TASK_FILE
        source = task.read_text("utf-8") if task.is_file() else ""
        out.update(verdict=None, figure=None, report_text=None, reference=reference_view(source))
        if report is None:
            return self._remember("check", check_id, out)
        if report.get("verdict"):
            from ..report.text import render_stored

            out.update(
                verdict=report["verdict"],
                summary=report["summary"],
                report=report,
                report_text=render_stored(report),
            )
            if (report.get("profile") or {}).get("ran"):
                from ..report.figures import speedup_vs_threads

                figure = speedup_vs_threads(report["profile"], title="this cell")
                out["figure"] = json.loads(figure.to_json())
        else:
            out.update(status="failed", summary="the check ended without a report")
        return self._remember("check", check_id, out)

    def stop_check(self, check_id: str) -> dict:
        self.check(check_id)
        self._stop_one_off("check", check_id)
        return self.check(check_id)

    # -- audits: how strong a task cell's verification is --------------------------------------

    def start_audit(self, body: dict) -> dict:
        """``parevo audit`` on the task cell: mutants of its reference verified like candidates;
        the survivors are the wrong kernels its inputs would call ok."""
        audit_id, folder = self._new_job_folder(
            self.audits_dir, body.get("name") or "audit", body["task"]
        )
        self._submit("audit", audit_id, folder, body)
        return self.audit(audit_id)

    def audit(self, audit_id: str) -> dict:
        if ("audit", audit_id) in self._finished:
            return dict(self._finished[("audit", audit_id)])
        out, report = self._one_off("audit", self.audits_dir, audit_id)
        if report is None:
            return self._remember("audit", audit_id, out)
        if "counts" in report:
            out.update(report=report, summary=report.get("summary", ""))
        else:
            out.update(status="failed", summary="the audit ended without a report")
        return self._remember("audit", audit_id, out)

    def stop_audit(self, audit_id: str) -> dict:
        self.audit(audit_id)
        self._stop_one_off("audit", audit_id)
        return self.audit(audit_id)
