"""Checks and audits: one-off jobs on a cell, each in a folder of its own under checks/ or
audits/, answered from what its command printed (``parevo check --json``, ``parevo audit
--json``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..commands.job import CANDIDATE_FILE, TASK_FILE
from .bodies import BadRequest
from .folders import Conflict, WorkFolder, WorkFolderRefused, log_tail, write_task
from .jobs import OUT_FILE, REQUEST_FILE, Job, new_id, now, read_json, write_json
from .private import make_folder, write_private


class OneOffJobs(WorkFolder):
    """The checks and audits of the work folder."""

    def _new_job_folder(self, root: Path, name: str, task: str) -> tuple[str, Path]:
        if self.problem:
            raise WorkFolderRefused(self.problem)
        self.jobs.check_room()
        new = new_id(name)
        folder = root / new
        make_folder(folder)
        try:
            write_task(folder, task)
        except BadRequest:
            shutil.rmtree(folder)
            raise
        return new, folder

    def _submit(self, kind: str, job_id: str, folder: Path, body: dict) -> None:
        """Write the job's request (the server's thread counts where the body has none) and
        queue it: the job starts from that file (``parevo_lab.commands.job``)."""
        settings = {k: v for k, v in body.items() if k not in ("task", "candidate")}
        if not settings.get("threads") and self.defaults.get("threads"):
            settings["threads"] = list(self.defaults["threads"])
        if kind == "check" and not settings.get("machine") and self.defaults.get("machine"):
            settings["machine"] = self.defaults["machine"]
        write_json(
            folder / REQUEST_FILE,
            {"id": job_id, "kind": kind, "created": now(), "settings": settings},
        )
        self.jobs.submit(Job(job_id, kind, folder))

    def _one_off(self, kind: str, root: Path, job_id: str) -> tuple[dict, dict | None]:
        """The job's answer without its result, and the JSON its command printed (None while it
        runs); a job that printed nothing usable is ``failed`` or ``stopped`` with why."""
        folder = self.job_folder(kind, job_id)
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
                summary=log_tail(folder) or f"the {kind} ended without a report",
            )
        return out, printed

    def stop_one_off(self, kind: str, job_id: str) -> None:
        if not self.jobs.stop(job_id):
            raise Conflict(f"{kind} {job_id} is not running: nothing to stop")

    # -- checks: one candidate cell against the task cell --------------------------------------

    def start_check(self, body: dict) -> dict:
        check_id, folder = self._new_job_folder(
            self.checks_dir, body.get("name") or "check", body["task"]
        )
        write_private(folder / CANDIDATE_FILE, body["candidate"])
        self._submit("check", check_id, folder, body)
        return self.check(check_id)

    def _remember(self, kind: str, job_id: str, out: dict) -> dict:
        if out["status"] not in ("queued", "running"):
            self._finished[(kind, job_id)] = out
        return dict(out)

    def check(self, check_id: str) -> dict:
        from ..cells import reference_with_lines

        if ("check", check_id) in self._finished:
            return dict(self._finished[("check", check_id)])
        out, report = self._one_off("check", self.checks_dir, check_id)
        task = self.checks_dir / check_id / TASK_FILE
        source = task.read_text("utf-8") if task.is_file() else ""
        reference, numbers = reference_with_lines(source)
        out.update(
            verdict=None,
            figure=None,
            report_text=None,
            reference=reference,
            reference_lines=numbers,
        )
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

                figure = speedup_vs_threads(
                    report["profile"], title="this cell", projection=report.get("projection")
                )
                out["figure"] = json.loads(figure.to_json())
        else:
            out.update(status="failed", summary="the check ended without a report")
        return self._remember("check", check_id, out)

    def stop_check(self, check_id: str) -> dict:
        self.check(check_id)
        self.stop_one_off("check", check_id)
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
        self.stop_one_off("audit", audit_id)
        return self.audit(audit_id)
