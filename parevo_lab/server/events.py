"""The event stream of a run, a check or an audit: its history, then live changes, for every
client that listens.

A feed polls the run's SQLite file (the one record every writer shares: the run's own process, a
terminal's ``parevo evolve --resume``, the server adding a candidate) and turns each change into an
event: ``run`` (the summary: status, evaluations, best) or ``candidate`` (one candidate's row, sent
again when its verdict arrives). Events are upserts keyed by id, so a client that joins late or
reconnects after a server restart rebuilds the same state from a replay. Event ids are
``<epoch>:<seq>``; an id from another epoch (another server process) replays everything.

A check's or an audit's feed (``JobFeed``) sends one event, ``check`` or ``audit``, each time
its answer (``GET checks/<id>``: status, verdict, summary, report) changes: the same road as runs,
so the panel neither polls nor reads a process's output.
"""

from __future__ import annotations

import asyncio
import json
import secrets

EPOCH = secrets.token_hex(4)  # one per server process


class Feed:
    def __init__(self, folders, run_id: str, poll_s: float = 0.5, idle_poll_s: float = 2.0):
        self.folders = folders
        self.run_id = run_id
        self.poll_s = poll_s
        self.idle_poll_s = idle_poll_s
        self.events: list[dict] = []
        self.listeners = 0
        self._seen_run: str | None = None
        self._seen_candidates: dict[int, str] = {}
        self._changed = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.poll()

    def poll(self) -> None:
        """Read the run once and append an event for each change since the last read."""
        try:
            state = self.folders.run(self.run_id, candidates=True)
        except LookupError:
            return
        candidates = state.pop("candidates")
        added = False
        for candidate in candidates:
            text = json.dumps(candidate, sort_keys=True)
            if self._seen_candidates.get(candidate["id"]) != text:
                self._seen_candidates[candidate["id"]] = text
                self._append("candidate", candidate)
                added = True
        text = json.dumps(state, sort_keys=True)
        if text != self._seen_run:
            self._seen_run = text
            self._append("run", state)
            added = True
        if added:
            self._changed.set()
            self._changed = asyncio.Event()

    def _append(self, kind: str, data: dict) -> None:
        self.events.append({"id": f"{EPOCH}:{len(self.events) + 1}", "type": kind, "data": data})

    def since(self, last_id: str | None) -> list[dict]:
        """Events after ``last_id``; all of them for no id or an id of another server process."""
        if not last_id or ":" not in last_id:
            return list(self.events)
        epoch, _, seq = last_id.partition(":")
        if epoch != EPOCH or not seq.isdigit():
            return list(self.events)
        return self.events[int(seq) :]

    async def wait(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            pass

    def active(self) -> bool:
        job = self.folders.jobs.get(self.run_id)
        return job is not None and job.active

    def listen(self) -> None:
        self.listeners += 1
        if self._task is None or self._task.done():
            self._task = asyncio.get_event_loop().create_task(self._loop())

    def leave(self) -> None:
        self.listeners = max(0, self.listeners - 1)

    async def _loop(self) -> None:
        while self.listeners > 0:
            self.poll()
            await asyncio.sleep(self.poll_s if self.active() else self.idle_poll_s)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


class JobFeed(Feed):
    """The feed of a check or an audit (``kind``): one event each time its answer changes."""

    def __init__(self, folders, kind: str, job_id: str, poll_s: float = 0.5):
        self.kind = kind
        super().__init__(folders, job_id, poll_s, idle_poll_s=poll_s)

    def poll(self) -> None:
        try:
            state = getattr(self.folders, self.kind)(self.run_id)
        except LookupError:
            return
        text = json.dumps(state, sort_keys=True)
        if text != self._seen_run:
            self._seen_run = text
            self._append(self.kind, state)
            self._changed.set()
            self._changed = asyncio.Event()


class Feeds:
    def __init__(self, folders, poll_s: float = 0.5):
        self.folders = folders
        self.poll_s = poll_s
        self._feeds: dict[str, Feed] = {}

    def get(self, run_id: str) -> Feed:
        self.folders.run(run_id)  # NotFound for an unknown run
        if run_id not in self._feeds:
            self._feeds[run_id] = Feed(self.folders, run_id, self.poll_s)
        return self._feeds[run_id]

    def job(self, kind: str, job_id: str) -> JobFeed:
        """The feed of check or audit ``job_id`` (``kind`` is ``check`` or ``audit``)."""
        getattr(self.folders, kind)(job_id)  # NotFound for an unknown one
        key = f"{kind}/{job_id}"
        if key not in self._feeds:
            self._feeds[key] = JobFeed(self.folders, kind, job_id, self.poll_s)
        return self._feeds[key]

    def poke(self, run_id: str) -> None:
        """A change the server made itself (start, stop, resume): publish it now."""
        feed = self._feeds.get(run_id)
        if feed is not None:
            feed.poll()

    def stop(self) -> None:
        for feed in self._feeds.values():
            feed.stop()


def format_event(event: dict) -> str:
    """One server-sent event (text/event-stream)."""
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {json.dumps(event['data'])}\n\n"
