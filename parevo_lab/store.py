"""SQLite store: every evaluation, with the task and candidate sources it judged.

The file is the record (and, later, the checkpoint of an evolution run): reopening it is resuming.
``PAREVO_DB`` or ``--db`` choose the file; the default lives under the user's data directory.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from .candidate import Candidate
from .results import Report
from .task import Task

SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS candidates (
    hash TEXT PRIMARY KEY,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    task_hash TEXT NOT NULL REFERENCES tasks(hash),
    candidate_hash TEXT NOT NULL REFERENCES candidates(hash),
    function TEXT NOT NULL,
    verdict TEXT NOT NULL,
    summary TEXT NOT NULL,
    seconds REAL,
    report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evaluations_by_candidate ON evaluations(task_hash, candidate_hash);
"""


def default_path() -> Path:
    if os.environ.get("PAREVO_DB"):
        return Path(os.environ["PAREVO_DB"])
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "parevo_lab" / "parevo.db"


class Store:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def record(self, task: Task, candidate: Candidate, report: Report) -> int:
        """Store one evaluation; returns its id. Committed at once: a later crash loses nothing."""
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO tasks(hash, name, path, source) VALUES (?, ?, ?, ?)",
                (task.hash, task.name, str(task.path), task.source),
            )
            self.db.execute(
                "INSERT OR IGNORE INTO candidates(hash, source) VALUES (?, ?)",
                (candidate.hash, candidate.source),
            )
            cursor = self.db.execute(
                "INSERT INTO evaluations(created, task_hash, candidate_hash, function, verdict,"
                " summary, seconds, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    report.created,
                    task.hash,
                    candidate.hash,
                    candidate.function,
                    report.verdict,
                    report.summary,
                    report.seconds.get("total"),
                    json.dumps(report.to_dict()),
                ),
            )
        return int(cursor.lastrowid)

    def evaluations(
        self, task_hash: str | None = None, candidate_hash: str | None = None
    ) -> list[dict]:
        query = "SELECT id, created, task_hash, candidate_hash, function, verdict, summary, seconds FROM evaluations"
        clauses, params = [], []
        if task_hash:
            clauses.append("task_hash = ?")
            params.append(task_hash)
        if candidate_hash:
            clauses.append("candidate_hash = ?")
            params.append(candidate_hash)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self.db.execute(query + " ORDER BY id", params).fetchall()
        keys = (
            "id",
            "created",
            "task_hash",
            "candidate_hash",
            "function",
            "verdict",
            "summary",
            "seconds",
        )
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def report(self, evaluation_id: int) -> dict | None:
        row = self.db.execute(
            "SELECT report FROM evaluations WHERE id = ?", (evaluation_id,)
        ).fetchone()
        return json.loads(row[0]) if row else None
