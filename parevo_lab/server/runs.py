"""Runs as the REST API shows them, read from their folders under the work folder.

A run's folder is exactly what ``parevo evolve --out`` writes (``run.sqlite``, ``best.py``) plus
the request that started it and the task file written from the notebook cell: a run started from
the workbench can be resumed from a terminal and the other way round.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from ..commands.job import TASK_FILE
from ..evolution import BEST_FILE, RUN_FILE
from ..rundir import RunNotFound, candidate_detail, read_run
from ..settings import run_defaults
from ..store import Store
from ..task import load_task
from . import notebook_runs
from .bodies import BadRequest
from .checks import OneOffJobs
from .folders import Conflict, NotFound, WorkFolderRefused, log_tail, write_task
from .jobs import REQUEST_FILE, Job, new_id, now, read_json, write_json
from .private import make_folder, write_private

__all__ = ["BadRequest", "Conflict", "NotFound", "RunFolders", "WorkFolderRefused"]

ACTIVE = ("queued", "running")
RESUMABLE = ("stopped", "interrupted", "failed", "finished", "cancelled")
DEFAULTS = run_defaults()  # for request files written before the server's defaults were stored


class RunFolders(OneOffJobs):
    """What the handlers call: the runs, checks and audits of the work folder and their jobs
    (the notebook's widget is the other, unrelated, ``parevo_lab.Workbench``)."""

    def run_folder(self, run_id: str) -> Path:
        return self.job_folder("run", run_id)

    def _room(self) -> None:
        """Conflict when the work folder holds ``max_runs`` runs; QueueFull when the queue is."""
        count = len(self._trusted(self.runs_dir))
        if count >= self.max_runs:
            raise Conflict(
                f"the work folder holds {count} runs, the most it keeps (c.ParevoLab.max_runs): "
                "delete old ones (DELETE /parevo-lab/runs/<id>) first"
            )
        self.jobs.check_room()

    def start_run(self, body: dict) -> dict:
        self._room()
        settings = {**self.defaults, **{k: v for k, v in body.items() if v is not None}}
        run_id = new_id(settings.get("name") or "task")
        folder = self.runs_dir / run_id
        make_folder(folder)
        try:
            write_task(folder, body["task"])
            for i, cand in enumerate(body.get("candidates") or []):
                write_private(folder / f"manual-{i}.py", cand["source"])
        except BadRequest:
            shutil.rmtree(folder)
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
        folders = self._trusted(self.runs_dir)
        folders.sort(key=lambda p: read_json(p / REQUEST_FILE).get("created", ""))
        return [self.run(p.name, candidates=False) for p in folders]

    def run(self, run_id: str, candidates: bool = False) -> dict:
        folder = self.run_folder(run_id)
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
            out["reason"] = log_tail(folder) or "the run ended before it began"
        elif out["status"] == "running":  # the process is gone and never said why
            out["status"] = "stopped" if job and job.stop_requested else "interrupted"
            out["reason"] = "the run's process ended (server restart, kill): resume it"
        if out["status"] == "failed" and not out["reason"]:
            out["reason"] = log_tail(folder)
        out["resumable"] = out["status"] in RESUMABLE and out["run"] is not None

    def export_run(self, run_id: str, body: dict) -> dict:
        """ "Export this run": its datasets (``parevo export``) in ``parevo-exports/<run>/`` of the
        server's root (the file browser shows it), or in the run folder's ``dataset/`` when the
        server has no root. A running run is exported as far as it has got. Reads SQLite and
        writes files: the handler calls this in a thread."""
        from ..export import export

        folder = self.run_folder(run_id)
        if not (folder / RUN_FILE).exists():
            raise NotFound(f"run {run_id} has no candidates yet: export it once one is evaluated")
        root = Path(self.root_dir) if self.root_dir else None
        out = root / "parevo-exports" / run_id if root else folder / "dataset"
        summary = export(
            [folder],
            out,
            kinds=body.get("kind", "all"),
            fmt=body.get("format", "jsonl"),
            min_ci_speedup=body.get("min_ci_speedup", 1.0),
        )
        if root:  # what the file browser shows, not this machine's absolute path
            summary["path"] = out.relative_to(root).as_posix()
        return summary

    def stop_run(self, run_id: str) -> dict:
        self.stop(run_id, self.run(run_id))
        return self.run(run_id)

    def stop(self, run_id: str, shown: dict) -> None:
        """Stop a running run; ``shown`` is its state as ``run()`` read it (off the event loop:
        the handler reads SQLite in a thread, this part only touches the queue)."""
        folder = self.run_folder(run_id)
        request = read_json(folder / REQUEST_FILE)
        if notebook_runs.is_notebook_run(request):
            # only a run that is running: the kernel may be busy with something else now
            if shown["status"] != "running" or not notebook_runs.interrupt(request):
                raise Conflict(f"run {run_id} is not running: nothing to stop")
            return
        job = self.jobs.get(run_id)
        if job is None or not job.active:
            raise Conflict(f"run {run_id} is not running: nothing to stop")
        self.jobs.stop(run_id)

    def resume_run(self, run_id: str, budget: int | None = None) -> dict:
        self.resume(run_id, self.run(run_id), budget)
        return self.run(run_id)

    def resume(self, run_id: str, current: dict, budget: int | None = None) -> None:
        """Queue an ended run again; ``current`` is its state as ``run()`` read it."""
        folder = self.run_folder(run_id)
        job = self.jobs.get(run_id)
        if job is not None and job.active:
            raise Conflict(f"run {run_id} is already {job.state}: stop it before resuming")
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
        self.jobs.check_room()
        write_json(folder / REQUEST_FILE, request)
        self.jobs.submit(Job(run_id, "run", folder))

    def _store(self, run_id: str):
        folder = self.run_folder(run_id)
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
            return candidate_detail(self.run_folder(run_id), candidate_id)
        except RunNotFound:
            if (self.run_folder(run_id) / RUN_FILE).exists():
                raise NotFound(f"run {run_id} has no candidate {candidate_id}") from None
            raise NotFound(f"run {run_id} has no candidates yet") from None

    def best_source(self, run_id: str) -> str | None:
        path = self.run_folder(run_id) / BEST_FILE
        return path.read_text(encoding="utf-8") if path.exists() else None

    def pin(self, run_id: str, candidate_id: int, resume: bool = True) -> dict:
        """ "Use as parent": the run's next proposal grows from this candidate."""
        self.pin_parent(run_id, candidate_id)
        if resume and self.idle(run_id):
            return self.resume_run(run_id)
        return self.run(run_id)

    def pin_parent(self, run_id: str, candidate_id: int) -> None:
        """Write the pin into the run's store (SQLite: the handler calls this in a thread)."""
        store, run = self._store(run_id)
        with store:
            if store.candidate(run["id"], candidate_id) is None:
                raise NotFound(f"run {run_id} has no candidate {candidate_id}")
            store.pin(run["id"], candidate_id)

    def idle(self, run_id: str) -> bool:
        """No job of this server is queued or running for the run."""
        job = self.jobs.get(run_id)
        return not (job and job.active)

    def add_candidate(self, run_id: str, source: str, function: str = "kernel") -> dict:
        """A person's own candidate joins the population (evaluated next by the live run)."""
        from ..kernel import Kernel

        folder = self.run_folder(run_id)
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
