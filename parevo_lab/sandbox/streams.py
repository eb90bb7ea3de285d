"""What the sandbox reads from its child: the tails of stdout and stderr (``Tail``) and the
events file (``EventReader``)."""

from __future__ import annotations

import json
import threading


class Tail:
    """Drain a pipe in a thread, keeping only the last ``limit`` bytes."""

    def __init__(self, stream, limit: int):
        self.limit = limit
        self.buffer = bytearray()
        self.dropped = 0
        self.thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self.thread.start()

    def _drain(self, stream):
        for chunk in iter(lambda: stream.read(65536), b""):
            self.buffer += chunk
            if len(self.buffer) > self.limit:
                cut = len(self.buffer) - self.limit
                self.dropped += cut
                del self.buffer[:cut]
        stream.close()

    def text(self) -> str:
        self.thread.join(timeout=2)
        text = self.buffer.decode("utf-8", "replace")
        if self.dropped:
            text = f"[... {self.dropped} earlier bytes dropped ...]\n" + text
        return text


class EventReader:
    """Reads the child's events file through a descriptor opened before the child starts, so a
    candidate that deletes the files of its working folder cannot hide what was recorded."""

    def __init__(self, path: str):
        self.handle = open(path, "ab+")  # noqa: SIM115 - closed in close()
        self.handle.seek(0)
        self.partial = b""

    def read_new(self) -> list[dict]:
        data = self.handle.read()
        if not data:
            return []
        data = self.partial + data
        lines = data.split(b"\n")
        self.partial = lines.pop()
        events = []
        for line in lines:
            if line.strip():
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError:
                    continue  # a torn line from a child killed mid-write
        return events

    def close(self) -> None:
        self.handle.close()
