"""HTTP handlers of the parevo_lab server extension: the REST API under ``<base_url>/parevo-lab/``.

Every handler method is behind ``@tornado.web.authenticated`` and ``@authorized("execute")`` on a
``parevo_lab:<thing>`` resource: what this API starts is code execution, so a deployment's
authorizer decides with the same action it uses for kernels and terminals. Request bodies are
checked against the JSON schemas of ``parevo_lab.schema`` (``bodies.py``); a bad one is a 400 whose
message names the field and the fix. What reads SQLite (a run, its candidates, the list) runs in
a thread, never on the server's event loop. ``docs/server.md`` lists the routes with examples.
"""

from __future__ import annotations

import asyncio
import json

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado.iostream import StreamClosedError

from ..errors import ParevoError
from ..schema import (
    AUDIT_REQUEST,
    CANDIDATE_REQUEST,
    CELLS_REQUEST,
    CHECK_REQUEST,
    EXPORT_REQUEST,
    PARENT_REQUEST,
    RESUME_REQUEST,
    RUN_REQUEST,
)
from .bodies import BadRequest, candidate_id, parse
from .events import format_event
from .runs import NotFound, WorkFolderRefused

#: All routes live below ``<base_url>/parevo-lab/``; the front end builds the same prefix.
URL_NAMESPACE = "parevo-lab"
EXECUTE = "execute"
_LONGEST_MESSAGE = 1000  # a message is one line a person reads, never a value echoed whole


class ParevoHandler(APIHandler):
    """Errors of the workbench become JSON answers with the right status and a one-line message."""

    auth_resource = "parevo_lab:runs"

    @property
    def folders(self):
        """The work folder's runs, checks and audits; its one-line refusal (500) when the work
        folder is not the user's alone."""
        self.check_work_folder()
        return self.settings["parevo_lab"].folders

    def check_work_folder(self) -> None:
        problem = self.settings["parevo_lab"].folders.problem
        if problem:
            raise WorkFolderRefused(problem)

    @property
    def feeds(self):
        return self.settings["parevo_lab"].feeds

    def body(self, schema: dict) -> dict:
        return parse(self.request.body, schema)

    async def off_loop(self, read, *args, **kwargs):
        """``read(*args)`` (it opens SQLite) in a thread: the server's other requests go on."""
        return await asyncio.to_thread(read, *args, **kwargs)

    def answer(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def _handle_request_exception(self, e):
        if isinstance(e, ParevoError):  # a user's problem: its status and its one-line message
            if self._finished:
                return
            message = str(e)
            if len(message) > _LONGEST_MESSAGE:
                message = message[:_LONGEST_MESSAGE] + "..."
            self.set_status(e.http_status)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"message": message, "reason": type(e).__name__}))
            return
        super()._handle_request_exception(e)


class StatusHandler(ParevoHandler):
    """Tell the front end which parevo-lab it is talking to, and how it is set up."""

    auth_resource = "parevo_lab:status"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def get(self):
        from ..settings import LARGE_BUDGET
        from ..version import __version__

        app = self.settings["parevo_lab"]
        self.check_work_folder()
        self.answer(
            {
                "name": "parevo-lab",
                "version": __version__,
                "ok": True,
                "work_dir": str(app.work_dir),
                "max_jobs": app.max_jobs,
                "running": len(app.jobs.running),
                "queued": len(app.jobs.queue),
                "defaults": app.defaults(),
                "large_budget": LARGE_BUDGET,  # the panel asks before a run of more
            }
        )


class RunsHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def get(self):
        self.answer({"runs": await self.off_loop(self.folders.runs)})

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self):
        run = self.folders.start_run(self.body(RUN_REQUEST))
        self.answer(run, 201)


class RunHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def get(self, run_id):
        self.answer(await self.off_loop(self.folders.run, run_id, candidates=True))

    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def delete(self, run_id):
        """Remove an ended run's folder (409 while it is queued or running)."""
        shown = await self.off_loop(self.folders.run, run_id)
        self.folders.delete("run", run_id, shown["status"])
        self.feeds.forget(run_id)
        self.set_status(204)
        self.finish()


class StopRunHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def post(self, run_id):
        self.folders.stop(run_id, await self.off_loop(self.folders.run, run_id))
        self.feeds.poke(run_id)
        self.answer(await self.off_loop(self.folders.run, run_id))


class ResumeRunHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def post(self, run_id):
        body = self.body(RESUME_REQUEST)
        current = await self.off_loop(self.folders.run, run_id)
        self.folders.resume(run_id, current, body.get("budget"))
        self.feeds.poke(run_id)
        self.answer(await self.off_loop(self.folders.run, run_id))


class ExportRunHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def post(self, run_id):
        body = self.body(EXPORT_REQUEST)
        self.answer(await self.off_loop(self.folders.export_run, run_id, body))


class EventsHandler(ParevoHandler):
    """Server-sent events: the run's history, then its changes (``Last-Event-ID`` resumes).

    ``?until=idle`` ends the stream once the run is neither queued nor running and every event
    was sent (a script that follows one run to its end)."""

    heartbeat_s = 15.0

    async def feed(self, job_id: str):
        self.check_work_folder()
        return await self.feeds.get(job_id)

    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def get(self, job_id):
        feed = await self.feed(job_id)
        last = self.request.headers.get("Last-Event-ID") or self.get_query_argument("after", None)
        until_idle = self.get_query_argument("until", "") == "idle"
        self.set_header("Content-Type", "text/event-stream")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Accel-Buffering", "no")
        feed.listen()
        try:
            while not self.request.connection.stream.closed():
                events = feed.since(last)
                for event in events:
                    self.write(format_event(event))
                if events:
                    last = events[-1]["id"]
                else:
                    self.write(": keepalive\n\n")
                await self.flush()
                if until_idle and not feed.active():
                    await feed.refresh()  # what the job wrote last
                    if not feed.since(last):
                        break
                    continue
                await feed.wait(self.heartbeat_s)
        except StreamClosedError:
            pass
        finally:
            feed.leave()


class CheckEventsHandler(EventsHandler):
    """A check's answer each time it changes (event ``check``): queued, running, its verdict."""

    auth_resource = "parevo_lab:checks"

    async def feed(self, job_id: str):
        self.check_work_folder()
        return await self.feeds.job("check", job_id)


class AuditEventsHandler(EventsHandler):
    """An audit's answer each time it changes (event ``audit``)."""

    auth_resource = "parevo_lab:audits"

    async def feed(self, job_id: str):
        self.check_work_folder()
        return await self.feeds.job("audit", job_id)


class CandidatesHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def get(self, run_id):
        self.answer({"candidates": await self.off_loop(self.folders.candidates, run_id)})

    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def post(self, run_id):
        body = self.body(CANDIDATE_REQUEST)
        folders = self.folders
        added = await self.off_loop(
            folders.add_candidate, run_id, body["source"], body.get("function", "kernel")
        )
        self.feeds.poke(run_id)
        self.answer(added, 201)


class CandidateHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def get(self, run_id, candidate):
        number = candidate_id(candidate)
        self.answer(await self.off_loop(self.folders.candidate, run_id, number))


class ParentHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def post(self, run_id, candidate):
        body = self.body(PARENT_REQUEST)
        folders = self.folders
        await self.off_loop(folders.pin_parent, run_id, candidate_id(candidate))
        if body.get("resume", True) and folders.idle(run_id):
            folders.resume(run_id, await self.off_loop(folders.run, run_id))
        self.feeds.poke(run_id)
        self.answer(await self.off_loop(folders.run, run_id))


class BestHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def get(self, run_id):
        source = await self.off_loop(self.folders.best_source, run_id)
        if source is None:
            raise NotFound(f"run {run_id} has no best candidate yet")
        self.answer({"source": source})


class CellsHandler(ParevoHandler):
    """Which cell is the task and which function the active cell's kernel is, read by parsing
    (``parevo_lab.cells``): the panel asks before it checks, evolves or audits."""

    auth_resource = "parevo_lab:cells"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self):
        from ..cells import pick

        body = self.body(CELLS_REQUEST)
        if body["active"] >= len(body["cells"]):
            raise BadRequest(
                f"invalid request: active: {body['active']} is not a cell index "
                f"(the notebook has {len(body['cells'])} cells)"
            )
        task, cell, note = pick(body["cells"], body["active"])
        self.answer(
            {"cell": cell.to_dict(), "task": task.to_dict() if task else None, "note": note}
        )


class ChecksHandler(ParevoHandler):
    auth_resource = "parevo_lab:checks"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self):
        self.answer(self.folders.start_check(self.body(CHECK_REQUEST)), 201)


class CheckHandler(ParevoHandler):
    auth_resource = "parevo_lab:checks"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def get(self, check_id):
        self.answer(await self.off_loop(self.folders.check, check_id))

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def delete(self, check_id):
        """Remove an ended check's folder (409 while it is queued or running)."""
        self.folders.delete("check", check_id)
        self.feeds.forget(f"check/{check_id}")
        self.set_status(204)
        self.finish()


class StopCheckHandler(ParevoHandler):
    auth_resource = "parevo_lab:checks"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def post(self, check_id):
        folders = self.folders
        await self.off_loop(folders.check, check_id)  # 404 for a check that does not exist
        folders.stop_one_off("check", check_id)
        self.answer(await self.off_loop(folders.check, check_id))


class AuditsHandler(ParevoHandler):
    auth_resource = "parevo_lab:audits"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self):
        self.answer(self.folders.start_audit(self.body(AUDIT_REQUEST)), 201)


class AuditHandler(ParevoHandler):
    auth_resource = "parevo_lab:audits"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def get(self, audit_id):
        self.answer(await self.off_loop(self.folders.audit, audit_id))

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def delete(self, audit_id):
        """Remove an ended audit's folder (409 while it is queued or running)."""
        self.folders.delete("audit", audit_id)
        self.feeds.forget(f"audit/{audit_id}")
        self.set_status(204)
        self.finish()


class StopAuditHandler(ParevoHandler):
    auth_resource = "parevo_lab:audits"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def post(self, audit_id):
        folders = self.folders
        await self.off_loop(folders.audit, audit_id)  # 404 for an audit that does not exist
        folders.stop_one_off("audit", audit_id)
        self.answer(await self.off_loop(folders.audit, audit_id))


_ID = r"([A-Za-z0-9][A-Za-z0-9._-]*)"
_MEMBER = r"([^/]+)"

#: (path below the namespace, handler): the whole API, in one place.
ROUTES = [
    ("status", StatusHandler),
    ("runs", RunsHandler),
    (f"runs/{_ID}", RunHandler),
    (f"runs/{_ID}/stop", StopRunHandler),
    (f"runs/{_ID}/resume", ResumeRunHandler),
    (f"runs/{_ID}/export", ExportRunHandler),
    (f"runs/{_ID}/events", EventsHandler),
    (f"runs/{_ID}/best", BestHandler),
    (f"runs/{_ID}/candidates", CandidatesHandler),
    (f"runs/{_ID}/candidates/{_MEMBER}", CandidateHandler),
    (f"runs/{_ID}/candidates/{_MEMBER}/parent", ParentHandler),
    ("cells", CellsHandler),
    ("checks", ChecksHandler),
    (f"checks/{_ID}", CheckHandler),
    (f"checks/{_ID}/stop", StopCheckHandler),
    (f"checks/{_ID}/events", CheckEventsHandler),
    ("audits", AuditsHandler),
    (f"audits/{_ID}", AuditHandler),
    (f"audits/{_ID}/stop", StopAuditHandler),
    (f"audits/{_ID}/events", AuditEventsHandler),
]


def handlers() -> list[tuple[str, type]]:
    """The routes relative to the server's base URL (the ExtensionApp prefixes it)."""
    return [(f"/{URL_NAMESPACE}/{path}", handler) for path, handler in ROUTES]
