"""The event stream of a run: its history, then live changes, for every client that listens.

A feed polls the run's SQLite file (the one record every writer shares: the run's own process, a
terminal's ``parevo evolve --resume``, the server adding a candidate) and turns each change into an
event: ``run`` (the summary: status, evaluations, best) or ``member`` (one candidate's row, sent
again when its verdict arrives). Events are upserts keyed by id, so a client that joins late or
reconnects after a server restart rebuilds the same state from a replay. Event ids are
``<epoch>:<seq>``; an id from another epoch (another server process) replays everything.
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
        self._seen_members: dict[int, str] = {}
        self._changed = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.poll()

    def poll(self) -> None:
        """Read the run once and append an event for each change since the last read."""
        try:
            state = self.folders.run(self.run_id, members=True)
        except LookupError:
            return
        members = state.pop("candidates")
        added = False
        for member in members:
            text = json.dumps(member, sort_keys=True)
            if self._seen_members.get(member["id"]) != text:
                self._seen_members[member["id"]] = text
                self._append("member", member)
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
