"""HTTP handlers of the parevo_lab server extension: the REST API under ``<base_url>/parevo-lab/``.

Every handler method is behind ``@tornado.web.authenticated`` and ``@authorized("execute")`` on a
``parevo_lab:<thing>`` resource: what this API starts is code execution, so a deployment's
authorizer decides with the same action it uses for kernels and terminals. Request bodies are
checked against the JSON schemas of ``parevo_lab.schema``; a bad one is a 400 whose message names
the field and the fix. ``docs/server.md`` lists the routes with examples.
"""

from __future__ import annotations

import json

import jsonschema
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
    PARENT_REQUEST,
    RESUME_REQUEST,
    RUN_REQUEST,
)
from .events import format_event
from .runs import BadRequest, NotFound

#: All routes live below ``<base_url>/parevo-lab/``; the front end builds the same prefix.
URL_NAMESPACE = "parevo-lab"
EXECUTE = "execute"


def validate(body, schema: dict) -> dict:
    """The body if it fits ``schema``; BadRequest naming the first field that does not."""
    try:
        jsonschema.validate(body, schema)
    except jsonschema.ValidationError as error:  # already the best match of all errors
        where = ".".join(str(p) for p in error.absolute_path) or "body"
        message = error.message
        if error.validator == "additionalProperties":
            allowed = ", ".join(sorted(schema.get("properties", {})))
            message += f" (allowed: {allowed})"
        elif error.validator == "required":
            message += " (see docs/server.md for the fields)"
        raise BadRequest(f"invalid request: {where}: {message}") from None
    return body


class ParevoHandler(APIHandler):
    """Errors of the workbench become JSON answers with the right status and a one-line message."""

    auth_resource = "parevo_lab:runs"

    @property
    def folders(self):
        return self.settings["parevo_lab"].folders

    @property
    def feeds(self):
        return self.settings["parevo_lab"].feeds

    def body(self, schema: dict) -> dict:
        raw = self.request.body or b"{}"
        try:
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise BadRequest("invalid request: the body is not JSON (send a JSON object)") from None
        where = _unencodable(data)
        if where is not None:  # "\ud800" is valid JSON but no file or process can take it
            raise BadRequest(
                f"invalid request: {where}: holds a lone surrogate (\\ud800-\\udfff) that UTF-8 "
                "cannot encode: send valid Unicode text"
            )
        return validate(data, schema)

    def answer(self, data, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(data))

    def _handle_request_exception(self, e):
        if isinstance(e, ParevoError):  # a user's problem: its status and its one-line message
            if self._finished:
                return
            self.set_status(e.http_status)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"message": str(e), "reason": type(e).__name__}))
            return
        super()._handle_request_exception(e)


def _unencodable(value, path: str = "") -> str | None:
    """The field (``task``, ``candidates.0.source``) of the first string in ``value`` that UTF-8
    cannot encode, or None. Keys that are not plain names are shown JSON-escaped, on one line."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "body"
    elif isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            name = str(key) if str(key).isidentifier() or isinstance(key, int) else json.dumps(key)
            where = f"{path}.{name}" if path else name
            found = _unencodable(key, where) if isinstance(key, str) else None
            found = found or _unencodable(item, where)
            if found:
                return found
    return None


def _candidate_id(text: str) -> int:
    if not text.isdigit():
        raise NotFound(f"no candidate {text!r}: candidate ids are numbers")
    return int(text)


class StatusHandler(ParevoHandler):
    """Tell the front end which parevo-lab it is talking to, and how it is set up."""

    auth_resource = "parevo_lab:status"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def get(self):
        from ..settings import LARGE_BUDGET
        from ..version import __version__

        app = self.settings["parevo_lab"]
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
    def get(self):
        self.answer({"runs": self.folders.runs()})

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self):
        run = self.folders.start_run(self.body(RUN_REQUEST))
        self.answer(run, 201)


class RunHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    def get(self, run_id):
        self.answer(self.folders.run(run_id, candidates=True))


class StopRunHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self, run_id):
        run = self.folders.stop_run(run_id)
        self.feeds.poke(run_id)
        self.answer(run)


class ResumeRunHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self, run_id):
        body = self.body(RESUME_REQUEST)
        run = self.folders.resume_run(run_id, body.get("budget"))
        self.feeds.poke(run_id)
        self.answer(run)


class EventsHandler(ParevoHandler):
    """Server-sent events: the run's history, then its changes (``Last-Event-ID`` resumes).

    ``?until=idle`` ends the stream once the run is neither queued nor running and every event
    was sent (a script that follows one run to its end)."""

    heartbeat_s = 15.0

    def feed(self, job_id: str):
        return self.feeds.get(job_id)

    @tornado.web.authenticated
    @authorized(EXECUTE)
    async def get(self, job_id):
        feed = self.feed(job_id)
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
                    feed.poll()  # what the job wrote last
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

    def feed(self, job_id: str):
        return self.feeds.job("check", job_id)


class AuditEventsHandler(EventsHandler):
    """An audit's answer each time it changes (event ``audit``)."""

    auth_resource = "parevo_lab:audits"

    def feed(self, job_id: str):
        return self.feeds.job("audit", job_id)


class CandidatesHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    def get(self, run_id):
        self.answer({"candidates": self.folders.candidates(run_id)})

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self, run_id):
        body = self.body(CANDIDATE_REQUEST)
        added = self.folders.add_candidate(run_id, body["source"], body.get("function", "kernel"))
        self.feeds.poke(run_id)
        self.answer(added, 201)


class CandidateHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    def get(self, run_id, candidate):
        self.answer(self.folders.candidate(run_id, _candidate_id(candidate)))


class ParentHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self, run_id, candidate):
        body = self.body(PARENT_REQUEST)
        run = self.folders.pin(run_id, _candidate_id(candidate), body.get("resume", True))
        self.feeds.poke(run_id)
        self.answer(run)


class BestHandler(ParevoHandler):
    @tornado.web.authenticated
    @authorized(EXECUTE)
    def get(self, run_id):
        source = self.folders.best_source(run_id)
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
    def get(self, check_id):
        self.answer(self.folders.check(check_id))


class StopCheckHandler(ParevoHandler):
    auth_resource = "parevo_lab:checks"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self, check_id):
        self.answer(self.folders.stop_check(check_id))


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
    def get(self, audit_id):
        self.answer(self.folders.audit(audit_id))


class StopAuditHandler(ParevoHandler):
    auth_resource = "parevo_lab:audits"

    @tornado.web.authenticated
    @authorized(EXECUTE)
    def post(self, audit_id):
        self.answer(self.folders.stop_audit(audit_id))


_ID = r"([A-Za-z0-9][A-Za-z0-9._-]*)"
_MEMBER = r"([^/]+)"

#: (path below the namespace, handler): the whole API, in one place.
ROUTES = [
    ("status", StatusHandler),
    ("runs", RunsHandler),
    (f"runs/{_ID}", RunHandler),
    (f"runs/{_ID}/stop", StopRunHandler),
    (f"runs/{_ID}/resume", ResumeRunHandler),
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
