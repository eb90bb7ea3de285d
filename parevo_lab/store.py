"""SQLite store: every evaluation, with the task and kernel sources it judged.

The file is the record (and, later, the checkpoint of an evolution run): reopening it is resuming.
``PAREVO_DB`` or ``--db`` choose the file; the default lives under the user's data directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from pathlib import Path

from .errors import ParevoError
from .kernel import Kernel
from .results import Report
from .task import Task

SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    path TEXT,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    hash TEXT PRIMARY KEY,
    source TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    task_hash TEXT NOT NULL REFERENCES tasks(hash),
    source_hash TEXT NOT NULL REFERENCES sources(hash),
    function TEXT NOT NULL,
    verdict TEXT NOT NULL,
    summary TEXT NOT NULL,
    seconds REAL,
    report TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS evaluations_by_source ON evaluations(task_hash, source_hash);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    task_hash TEXT NOT NULL REFERENCES tasks(hash),
    generator TEXT NOT NULL,
    seed INTEGER NOT NULL,
    settings TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS candidates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source_hash TEXT NOT NULL REFERENCES sources(hash),
    function TEXT NOT NULL,
    parent_id INTEGER REFERENCES candidates(id),
    origin TEXT NOT NULL,
    label TEXT NOT NULL,
    genome TEXT,
    family TEXT NOT NULL DEFAULT '',
    island INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    evaluation_id INTEGER REFERENCES evaluations(id),
    verdict TEXT,
    speedup REAL,
    speedup_low REAL,
    threads INTEGER,
    tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0,
    confirmed INTEGER,
    retimed TEXT,
    projected INTEGER,
    UNIQUE(run_id, source_hash)
);
CREATE INDEX IF NOT EXISTS candidates_by_run ON candidates(run_id, id);
CREATE TABLE IF NOT EXISTS pins (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    candidate_id INTEGER NOT NULL REFERENCES candidates(id),
    created TEXT NOT NULL,
    PRIMARY KEY(run_id, candidate_id)
);
"""

# Files written before the population's table was called ``candidates`` (and the sources'
# table ``candidates``) are renamed in place when first opened: one transaction, nothing lost.
_RENAMES = (
    "ALTER TABLE candidates RENAME TO sources",
    "ALTER TABLE evaluations RENAME COLUMN candidate_hash TO source_hash",
    "DROP INDEX IF EXISTS evaluations_by_candidate",
    "ALTER TABLE members RENAME TO candidates",
    "ALTER TABLE candidates RENAME COLUMN candidate_hash TO source_hash",
    "DROP INDEX IF EXISTS members_by_run",
)


# Columns newer than the table, added to an older file when first opened (NULL: no interval, never
# re-timed, measured; schema.best_of keeps the rule of the time). projected 1: beyond the cores.
_ADDED_COLUMNS = dict(speedup_low="REAL", confirmed="INTEGER", retimed="TEXT", projected="INTEGER")


def _migrate(db: sqlite3.Connection) -> None:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "members" in tables:
        with db:
            for statement in _RENAMES:
                db.execute(statement)
            if "pins" in tables:
                db.execute("ALTER TABLE pins RENAME COLUMN member_id TO candidate_id")
        tables.add("candidates")
    if "candidates" in tables:
        columns = {r[1] for r in db.execute("PRAGMA table_info(candidates)")}
        added = [(n, kind) for n, kind in _ADDED_COLUMNS.items() if n not in columns]
        if "source_hash" in columns and added:
            with db:
                for name, kind in added:
                    db.execute(f"ALTER TABLE candidates ADD COLUMN {name} {kind}")


def default_path() -> Path:
    if os.environ.get("PAREVO_DB"):
        return Path(os.environ["PAREVO_DB"])
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "parevo_lab" / "parevo.db"


class StoreError(ParevoError):
    """The store cannot be opened or written (a full disk, a read-only folder): one clear line.
    What was committed before stays in the file."""


def _explain(path: Path, doing: str, exc: Exception) -> StoreError:
    text = str(exc)
    if "full" in text or "disk I/O" in text or isinstance(exc, OSError):
        fix = "free space on its disk (or move it with --out or --db), then resume"
    elif "readonly" in text or "read-only" in text or "unable to open" in text:
        fix = "make the file and its folder writable, or choose another with --out or --db"
    elif "locked" in text:
        fix = "another process holds it: wait for it, or choose another file"
    else:
        fix = "check the file (sqlite3 FILE 'PRAGMA integrity_check')"
    return StoreError(
        f"cannot {doing} the store {path}: {text}: {fix}; what was recorded before is kept"
    )


class Store:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_path()
        try:
            if not self.path.exists():  # a new store is its user's alone (its WAL follows it)
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            _migrate(self.db)
            self.db.executescript(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise _explain(self.path, "open", exc) from None

    @contextlib.contextmanager
    def _writing(self):
        """One transaction: committed whole or rolled back whole, with a clear StoreError."""
        try:
            with self.db:
                yield
        except sqlite3.OperationalError as exc:
            raise _explain(self.path, "write", exc) from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _task_and_source(self, task: Task, kernel: Kernel | None) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO tasks(hash, name, path, source) VALUES (?, ?, ?, ?)",
            (task.hash, task.name, str(task.path), task.source),
        )
        if kernel is not None:
            self.db.execute(
                "INSERT OR IGNORE INTO sources(hash, source) VALUES (?, ?)",
                (kernel.hash, kernel.source),
            )

    def record(self, task: Task, kernel: Kernel, report: Report) -> int:
        """Store one evaluation; returns its id. Committed at once: a later crash loses nothing."""
        with self._writing():
            return self._record(task, kernel, report)

    def _record(self, task: Task, kernel: Kernel, report: Report) -> int:
        self._task_and_source(task, kernel)
        cursor = self.db.execute(
            "INSERT INTO evaluations(created, task_hash, source_hash, function, verdict,"
            " summary, seconds, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report.created,
                task.hash,
                kernel.hash,
                kernel.function,
                report.verdict,
                report.summary,
                report.seconds.get("total"),
                json.dumps(report.to_dict()),
            ),
        )
        return int(cursor.lastrowid)

    def evaluations(
        self, task_hash: str | None = None, source_hash: str | None = None
    ) -> list[dict]:
        query = "SELECT id, created, task_hash, source_hash, function, verdict, summary, seconds FROM evaluations"
        clauses, params = [], []
        if task_hash:
            clauses.append("task_hash = ?")
            params.append(task_hash)
        if source_hash:
            clauses.append("source_hash = ?")
            params.append(source_hash)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self.db.execute(query + " ORDER BY id", params).fetchall()
        keys = (
            "id",
            "created",
            "task_hash",
            "source_hash",
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

    def kernel_source(self, source_hash: str) -> str | None:
        row = self.db.execute(
            "SELECT source FROM sources WHERE hash = ?", (source_hash,)
        ).fetchone()
        return row[0] if row else None

    # -- evolution runs: the population is the checkpoint ------------------------------------

    def create_run(self, task: Task, generator: str, seed: int, settings: dict) -> int:
        with self._writing():
            self._task_and_source(task, None)
            cursor = self.db.execute(
                "INSERT INTO runs(created, task_hash, generator, seed, settings, status)"
                " VALUES (?, ?, ?, ?, ?, 'running')",
                (_now(), task.hash, generator, seed, json.dumps(settings)),
            )
        return int(cursor.lastrowid)

    def runs(self, task_hash: str | None = None) -> list[dict]:
        query = "SELECT id, created, task_hash, generator, seed, settings, status, reason FROM runs"
        params: tuple = ()
        if task_hash:
            query += " WHERE task_hash = ?"
            params = (task_hash,)
        keys = ("id", "created", "task_hash", "generator", "seed", "settings", "status", "reason")
        rows = [
            dict(zip(keys, r, strict=True)) for r in self.db.execute(query + " ORDER BY id", params)
        ]
        for row in rows:
            row["settings"] = json.loads(row["settings"])
        return rows

    def set_run_status(self, run_id: int, status: str, reason: str = "") -> None:
        with self._writing():
            self.db.execute(
                "UPDATE runs SET status = ?, reason = ? WHERE id = ?", (status, reason, run_id)
            )

    def add_candidate(
        self,
        run_id: int,
        task: Task,
        kernel: Kernel,
        *,
        parent_id: int | None,
        origin: str,
        label: str,
        genome: dict | None = None,
        family: str = "",
        island: int = 0,
        tokens: int = 0,
        cost: float = 0.0,
    ) -> int | None:
        """Add a kernel to the run's population (None when the run already holds it)."""
        with self._writing():
            self._task_and_source(task, kernel)
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO candidates(run_id, source_hash, function, parent_id, origin,"
                " label, genome, family, island, created, tokens, cost)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    kernel.hash,
                    kernel.function,
                    parent_id,
                    origin,
                    label,
                    json.dumps(genome) if genome is not None else None,
                    family,
                    island,
                    _now(),
                    tokens,
                    cost,
                ),
            )
        return int(cursor.lastrowid) if cursor.rowcount else None

    def finish_candidate(
        self,
        candidate_id: int,
        task: Task,
        kernel: Kernel,
        report: Report,
        sample: dict,
        confirmed: bool | None = None,
        retimed: dict | None = None,
    ) -> int:
        """Record a candidate's evaluation, its figures and (when it was re-timed against the
        best) that comparison and its outcome in one transaction: a kill between them would leave
        an evaluation its candidate does not point to, or a contender undecided, and resuming
        would repeat it."""
        with self._writing():
            evaluation_id = self._record(task, kernel, report)
            self.db.execute(
                "UPDATE candidates SET evaluation_id = ?, verdict = ?, speedup = ?,"
                " speedup_low = ?, threads = ?, confirmed = ?, retimed = ?, projected = ?"
                " WHERE id = ?",
                (
                    evaluation_id,
                    report.verdict,
                    sample.get("speedup_n"),
                    sample.get("speedup_n_low"),
                    sample.get("threads"),
                    None if confirmed is None else int(bool(confirmed)),
                    json.dumps(retimed) if retimed is not None else None,
                    int(bool(sample.get("projected"))),
                    candidate_id,
                ),
            )
        return evaluation_id

    def candidates(
        self, run_id: int, *, after: int | None = None, ids: tuple[int, ...] = ()
    ) -> list[dict]:
        """The run's candidates in id order, each with its evaluation's one-line ``summary``.

        ``after`` and ``ids`` narrow the read to candidates added after an id or named ones (what a
        watcher polling a live run needs)."""
        keys = (
            "id",
            "source_hash",
            "function",
            "parent_id",
            "origin",
            "label",
            "genome",
            "family",
            "island",
            "created",
            "evaluation_id",
            "verdict",
            "speedup",
            "speedup_low",
            "threads",
            "tokens",
            "cost",
            "confirmed",
            "retimed",
            "projected",
        )
        query = (
            f"SELECT {', '.join('m.' + k for k in keys)}, e.summary FROM candidates m"
            " LEFT JOIN evaluations e ON e.id = m.evaluation_id WHERE m.run_id = ?"
        )
        params: list = [run_id]
        narrow = []
        if after is not None:
            narrow.append("m.id > ?")
            params.append(after)
        if ids:
            narrow.append(f"m.id IN ({', '.join('?' * len(ids))})")
            params.extend(ids)
        if narrow:
            query += " AND (" + " OR ".join(narrow) + ")"
        out = []
        for row in self.db.execute(query + " ORDER BY m.id", params).fetchall():
            candidate = dict(zip(keys, row[:-1], strict=True))
            candidate["summary"] = row[-1] or ""
            candidate["genome"] = json.loads(candidate["genome"]) if candidate["genome"] else None
            if candidate["confirmed"] is not None:
                candidate["confirmed"] = bool(candidate["confirmed"])
            candidate["retimed"] = (
                json.loads(candidate["retimed"]) if candidate["retimed"] else None
            )
            out.append(candidate)
        return out

    def candidate(self, run_id: int, candidate_id: int) -> dict | None:
        rows = self.candidates(run_id, ids=(candidate_id,))
        return rows[0] if rows else None

    def pin(self, run_id: int, candidate_id: int) -> None:
        """Ask the run to take ``candidate_id`` as its next parent (a person's "use as parent")."""
        with self._writing():
            self.db.execute(
                "INSERT OR IGNORE INTO pins(run_id, candidate_id, created) VALUES (?, ?, ?)",
                (run_id, candidate_id, _now()),
            )

    def pins(self, run_id: int) -> list[int]:
        rows = self.db.execute(
            "SELECT candidate_id FROM pins WHERE run_id = ? ORDER BY created, candidate_id",
            (run_id,),
        )
        return [r[0] for r in rows]

    def unpin(self, run_id: int, candidate_id: int) -> None:
        with self._writing():
            self.db.execute(
                "DELETE FROM pins WHERE run_id = ? AND candidate_id = ?", (run_id, candidate_id)
            )

    def task_source(self, task_hash: str) -> str | None:
        row = self.db.execute("SELECT source FROM tasks WHERE hash = ?", (task_hash,)).fetchone()
        return row[0] if row else None

    def task_name(self, task_hash: str) -> str | None:
        row = self.db.execute("SELECT name FROM tasks WHERE hash = ?", (task_hash,)).fetchone()
        return row[0] if row else None


def _now() -> str:
    import datetime as _dt

    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
