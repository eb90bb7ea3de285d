"""What ``parevo export`` reads: run folders, bench folders and stores, as evaluated candidates.

    units = find_units(["runs/histogram", "results/bench", "~/.local/share/parevo/parevo.sqlite"])
    for unit in units:
        for entry in read_unit(unit): ...

A run folder holds ``run.sqlite`` (``parevo evolve --out``); a bench folder ``runs/<suite>/<task>/
sample-<k>/run.sqlite`` and, once finished, ``results.json`` (``parevo bench --out``); a store is
the SQLite file ``parevo check`` records into. Everything is read only: a run still being written
is read as far as it has got.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParevoError
from ..evolution import RUN_FILE
from ..store import Store


class ExportError(ParevoError):
    """A source that is not a run, a bench or a store; an output that cannot be written."""


@dataclass
class Unit:
    """One database to read, and where it came from (``name`` is relative to the SOURCE given,
    never an absolute path of this machine)."""

    database: Path
    kind: str  # "run", "bench" or "store"
    name: str  # the source's folder or file name, then the run's place inside a bench
    task_id: str | None = None  # a bench's "suite/task"
    finished: bool = True  # a bench without results.json has not finished


@dataclass
class Entry:
    """One evaluated candidate (or, in a store, one evaluation) with what the records need."""

    unit: Unit
    run: int | None  # the run's id in its database; None for a store's lone evaluation
    id: int  # the candidate's id in the run (the evaluation's id in a store)
    task_id: str
    task_hash: str
    task_source: str
    source: str
    source_hash: str
    function: str
    parent: int | None  # the parent candidate's id in the same run
    origin: str  # seed, rules, llm, manual, check
    label: str  # the transformation or prompt behind it
    family: str
    genome: dict | None
    verdict: str
    report: dict
    generator: str = ""
    model: str = ""  # the model of an llm run (never its endpoint or key)
    run_status: str = ""
    lineage: list[str] = field(default_factory=list)  # labels from the seed to this candidate


def _tables(path: Path) -> set[str]:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return set()
    return {r[0] for r in rows}


def _is_store(path: Path) -> bool:
    return path.is_file() and {"tasks", "sources", "evaluations"} <= _tables(path)


def find_units(paths: list[str | Path]) -> list[Unit]:
    """The databases under each SOURCE, in a stable order; ExportError for a path that is none
    of a run folder, a bench folder or a store."""
    units: list[Unit] = []
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            raise ExportError(
                f"{given} does not exist: give a run folder, a bench folder or a store"
            )
        if path.is_dir() and (path / RUN_FILE).is_file() and _is_store(path / RUN_FILE):
            units.append(Unit(path / RUN_FILE, "run", path.resolve().name))
            continue
        runs = sorted(path.glob(f"runs/*/*/sample-*/{RUN_FILE}")) if path.is_dir() else []
        if runs:
            finished = (path / "results.json").is_file()
            for database in runs:
                sample, task, suite = database.parent, database.parent.parent, database.parents[2]
                units.append(
                    Unit(
                        database,
                        "bench",
                        f"{path.resolve().name}/runs/{suite.name}/{task.name}/{sample.name}",
                        task_id=f"{suite.name}/{task.name}",
                        finished=finished,
                    )
                )
            continue
        if _is_store(path):
            units.append(Unit(path, "store", path.name))
            continue
        if path.is_dir() and (path / "results.json").is_file():
            raise ExportError(
                f"{given} is a bench without evolution runs (the expert's, or a folder of "
                "solutions): only a bench of a generator (parevo bench --solver rules or llm) "
                "holds candidates to export"
            )
        raise ExportError(
            f"{given} is not a run folder (with {RUN_FILE}), a bench folder (with runs/) or a "
            "store (a parevo SQLite file): give one of those"
        )
    return units


def read_unit(unit: Unit) -> list[Entry]:
    """Every evaluated candidate of every run in the unit's database; in a store, also the
    evaluations no run holds (``parevo check`` records)."""
    entries: list[Entry] = []
    with Store(unit.database) as store:
        in_runs: set[int] = set()
        for run in store.runs():
            rows = store.candidates(run["id"])
            task_source = store.task_source(run["task_hash"]) or ""
            task_id = unit.task_id or store.task_name(run["task_hash"]) or unit.name
            model = ((run.get("settings") or {}).get("llm") or {}).get("model", "")
            labels = {r["id"]: (r["parent_id"], r["label"]) for r in rows}
            for row in rows:
                if not row["evaluation_id"]:
                    continue  # not evaluated yet (a run in progress)
                in_runs.add(row["evaluation_id"])
                report = store.report(row["evaluation_id"]) or {}
                entries.append(
                    Entry(
                        unit=unit,
                        run=run["id"],
                        id=row["id"],
                        task_id=task_id,
                        task_hash=run["task_hash"],
                        task_source=task_source,
                        source=store.kernel_source(row["source_hash"]) or "",
                        source_hash=row["source_hash"],
                        function=row["function"],
                        parent=row["parent_id"],
                        origin=row["origin"],
                        label=row["label"],
                        family=row["family"],
                        genome=row["genome"],
                        verdict=row["verdict"],
                        report=report,
                        generator=run.get("generator") or "",
                        model=model,
                        run_status=run["status"],
                        lineage=_lineage(labels, row["id"]),
                    )
                )
        if unit.kind == "store":
            entries.extend(_evaluations(unit, store, in_runs))
    return entries


def _lineage(labels: dict[int, tuple[int | None, str]], candidate: int) -> list[str]:
    chain: list[str] = []
    seen: set[int] = set()
    current: int | None = candidate
    while current is not None and current in labels and current not in seen:
        seen.add(current)
        parent, label = labels[current]
        chain.append(label)
        current = parent
    return chain[::-1]


def _evaluations(unit: Unit, store: Store, skip: set[int]) -> list[Entry]:
    rows = store.db.execute(
        "SELECT e.id, e.task_hash, e.source_hash, e.function, e.verdict, t.name, t.source,"
        " s.source FROM evaluations e JOIN tasks t ON t.hash = e.task_hash"
        " JOIN sources s ON s.hash = e.source_hash ORDER BY e.id"
    ).fetchall()
    out = []
    for eid, task_hash, source_hash, function, verdict, name, task_source, source in rows:
        if eid in skip:
            continue
        out.append(
            Entry(
                unit=unit,
                run=None,
                id=eid,
                task_id=name,
                task_hash=task_hash,
                task_source=task_source,
                source=source,
                source_hash=source_hash,
                function=function,
                parent=None,
                origin="check",
                label="",
                family="",
                genome=None,
                verdict=verdict,
                report=store.report(eid) or {},
            )
        )
    return out
