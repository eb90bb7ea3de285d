"""The event stream of a run, a check or an audit: its history, then live changes, for every
client that listens.

A feed polls the run's SQLite file (the one record every writer shares: the run's own process, a
terminal's ``parevo evolve --resume``, the server adding a candidate) and turns each change into an
event: ``run`` (the summary: status, evaluations, best) or ``candidate`` (one candidate's row, sent
again when its verdict arrives). Events are upserts keyed by id, so a client that joins late or
reconnects after a server restart rebuilds the same state from a replay. Event ids are
``<epoch>:<seq>``; an id from another epoch (another server process) replays everything.

A feed keeps its last ``history`` events (``c.ParevoLab.feed_events``) and the newest event of
each candidate and of the run. A client that asks for events older than those kept first gets a
``reset`` event that says so, then that whole state (events are upserts, so it rebuilds the
same run); a new client gets the whole state. The feed reads the run's SQLite in a thread, never
on the server's event loop.

A check's or an audit's feed (``JobFeed``) sends one event, ``check`` or ``audit``, each time
its answer (``GET checks/<id>``: status, verdict, summary, report) changes: the same road as runs,
so the panel neither polls nor reads a process's output.
"""

from __future__ import annotations

import asyncio
import json
import secrets

from ..settings import FEED_EVENTS

EPOCH = secrets.token_hex(4)  # one per server process


class Feed:
    says_reset = True  # a client that missed dropped events is told before the whole state

    def __init__(
        self,
        folders,
        run_id: str,
        poll_s: float = 0.5,
        idle_poll_s: float = 2.0,
        history: int = FEED_EVENTS,
    ):
        self.folders = folders
        self.run_id = run_id
        self.poll_s = poll_s
        self.idle_poll_s = idle_poll_s
        self.history = max(1, int(history))
        self.events: list[dict] = []  # the last `history` events
        self.dropped = 0  # events no longer kept: the first kept one is number dropped + 1
        self.latest: dict[tuple, dict] = {}  # the newest event of each candidate and of the run
        self.listeners = 0
        self._seen_run: str | None = None
        self._seen_candidates: dict[int, str] = {}
        self._changed = asyncio.Event()
        self._reading = asyncio.Lock()
        self._task: asyncio.Task | None = None

    def read(self):
        """The run as the API shows it, or None when it is gone (blocking: SQLite)."""
        try:
            return self.folders.run(self.run_id, candidates=True)
        except LookupError:
            return None

    def poll(self) -> None:
        """Read the run once and append an event for each change since the last read."""
        self.apply(self.read())

    async def refresh(self) -> None:
        """``poll`` with the reading in a thread; one at a time, so events keep their order."""
        async with self._reading:
            self.apply(await asyncio.to_thread(self.read))

    def apply(self, state) -> None:
        if state is None:
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
        number = self.dropped + len(self.events) + 1
        event = {"id": f"{EPOCH}:{number}", "type": kind, "data": data}
        self.events.append(event)
        self.latest[(kind, data["id"] if kind == "candidate" else None)] = event
        if len(self.events) > self.history:
            cut = len(self.events) - self.history
            del self.events[:cut]
            self.dropped += cut

    def state(self) -> list[dict]:
        """The newest event of each candidate and of the run, in order: the whole state."""
        return sorted(self.latest.values(), key=lambda e: int(e["id"].partition(":")[2]))

    def since(self, last_id: str | None) -> list[dict]:
        """Events after ``last_id``; the whole state for no id or an id of another server
        process; a ``reset`` event, then the whole state, for events no longer kept."""
        epoch, _, seq = (last_id or "").partition(":")
        if epoch != EPOCH or not (seq.isascii() and seq.isdigit()) or len(seq) > 18:
            return self.state() if self.dropped else list(self.events)
        if int(seq) < self.dropped and not self.says_reset:
            return self.state()
        if int(seq) < self.dropped:
            reset = {
                "message": f"events 1 to {self.dropped} were dropped (a feed keeps its last "
                f"{self.history}): the whole state follows",
                "dropped": self.dropped,
            }
            return [{"id": f"{EPOCH}:0", "type": "reset", "data": reset}, *self.state()]
        return self.events[int(seq) - self.dropped :]

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
            await self.refresh()
            await asyncio.sleep(self.poll_s if self.active() else self.idle_poll_s)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()


class JobFeed(Feed):
    """The feed of a check or an audit (``kind``): one event each time its answer changes; its
    whole state is its last answer (a client takes every event for the answer: no ``reset``)."""

    says_reset = False

    def __init__(self, folders, kind: str, job_id: str, poll_s: float = 0.5, history: int = 2):
        self.kind = kind
        super().__init__(folders, job_id, poll_s, idle_poll_s=poll_s, history=history)

    def read(self):
        try:
            return getattr(self.folders, self.kind)(self.run_id)
        except LookupError:
            return None

    def apply(self, state) -> None:
        if state is None:
            return
        text = json.dumps(state, sort_keys=True)
        if text != self._seen_run:
            self._seen_run = text
            self._append(self.kind, state)
            self._changed.set()
            self._changed = asyncio.Event()


class Feeds:
    def __init__(self, folders, poll_s: float = 0.5, history: int = FEED_EVENTS):
        self.folders = folders
        self.poll_s = poll_s
        self.history = history
        self._feeds: dict[str, Feed] = {}
        self._pokes: set[asyncio.Task] = set()

    async def _first(self, key: str, make) -> Feed:
        feed = self._feeds.get(key)
        if feed is None:
            feed = self._feeds[key] = make()
            await feed.refresh()
        return feed

    async def get(self, run_id: str) -> Feed:
        self.folders.run_folder(run_id)  # NotFound for an unknown run
        return await self._first(
            run_id, lambda: Feed(self.folders, run_id, self.poll_s, history=self.history)
        )

    async def job(self, kind: str, job_id: str) -> JobFeed:
        """The feed of check or audit ``job_id`` (``kind`` is ``check`` or ``audit``)."""
        self.folders.job_folder(kind, job_id)  # NotFound for an unknown one
        return await self._first(
            f"{kind}/{job_id}", lambda: JobFeed(self.folders, kind, job_id, self.poll_s)
        )

    def poke(self, run_id: str) -> None:
        """A change the server made itself (start, stop, resume): publish it now."""
        feed = self._feeds.get(run_id)
        if feed is not None:
            task = asyncio.get_event_loop().create_task(feed.refresh())
            self._pokes.add(task)
            task.add_done_callback(self._pokes.discard)

    def forget(self, key: str) -> None:
        """Drop the feed of a deleted run (``key``: its id) or check (``check/<id>``)."""
        feed = self._feeds.pop(key, None)
        if feed is not None:
            feed.stop()

    def stop(self) -> None:
        for feed in self._feeds.values():
            feed.stop()


def format_event(event: dict) -> str:
    """One server-sent event (text/event-stream)."""
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {json.dumps(event['data'])}\n\n"
