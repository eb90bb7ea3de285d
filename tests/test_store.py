"""Every evaluation lands in a real SQLite file; re-checking reuses numba's compile cache."""

import json
import sqlite3

from conftest import run_cli

from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.kernel import load_kernel, materialise
from parevo_lab.results import CompileResult, from_dict
from parevo_lab.store import Store
from parevo_lab.task import load_task
from parevo_lab.version import drop_stale_cache, folder_fingerprint, primitives_fingerprint


def test_cli_records_each_evaluation(tmp_path, kernels):
    db = tmp_path / "runs.db"
    for candidate in ("good.py", "oob.py"):
        run_cli(
            "check", kernels / "double_task.py", kernels / candidate, "--no-profile", "--db", db
        )
    rows = (
        sqlite3.connect(db)
        .execute("SELECT verdict, source_hash, task_hash, report FROM evaluations ORDER BY id")
        .fetchall()
    )
    assert [row[0] for row in rows] == ["ok", "runtime_error"]
    assert rows[0][1] != rows[1][1] and rows[0][2] == rows[1][2]
    assert json.loads(rows[1][3])["verify"]["failure"]["site"]["line"] == 9
    with Store(db) as store:
        sources = store.db.execute("SELECT source FROM sources").fetchall()
        assert any("out[i + 1]" in s for (s,) in sources)
        first = store.evaluations()[0]
        report = store.report(first["id"])
        assert from_dict(CompileResult, report["compile"]).ok


def test_recheck_uses_the_compile_cache(tmp_path, kernels, monkeypatch):
    monkeypatch.setenv("PAREVO_CACHE_DIR", str(tmp_path / "cache"))
    task = load_task(kernels / "double_task.py")
    candidate = load_kernel(str(kernels / "good.py"))
    options = CheckOptions(threads=[1, 2], profile=False)
    cold = evaluate(task, candidate, options)
    warm = evaluate(task, candidate, options)
    assert cold.compile.cached is False
    assert warm.compile.cached is True
    # diagnostics of the cold compile are kept for cache hits
    assert [loop.to_dict() for loop in warm.compile.loops] == [
        loop.to_dict() for loop in cold.compile.loops
    ]
    sources = list((tmp_path / "cache" / "sources").glob("primitives-*/parevo_cand_*.py"))
    assert len(sources) == 1 and sources[0].read_text() == candidate.source


def test_a_change_to_the_primitives_gives_candidates_a_new_sources_folder(tmp_path, monkeypatch):
    # numba's cache of a kernel holds the code of the primitives it calls and checks only the
    # kernel's own file: a cached candidate would run an old primitive after an upgrade
    monkeypatch.setenv("PAREVO_CACHE_DIR", str(tmp_path / "cache"))
    library = tmp_path / "library"
    (library / "inner").mkdir(parents=True)
    (library / "a.py").write_text("x = 1\n")
    first = folder_fingerprint(library)
    (library / "a.py").write_text("x = 2\n")
    assert folder_fingerprint(library) != first
    (library / "a.py").write_text("x = 1\n")
    assert folder_fingerprint(library) == first
    (library / "inner" / "b.py").write_text("")
    assert folder_fingerprint(library) != first
    directory, module = materialise("x = 1\n", "cand")
    assert directory == tmp_path / "cache" / "sources" / f"primitives-{primitives_fingerprint()}"
    assert (directory / f"{module}.py").read_text() == "x = 1\n"


def test_numba_cache_files_written_for_other_sources_are_dropped(tmp_path):
    library = tmp_path / "library"
    (library / "__pycache__").mkdir(parents=True)
    (library / "a.py").write_text("x = 1\n")
    cached = [library / "__pycache__" / name for name in ("a.f-3.py311.nbi", "a.f-3.py311.1.nbc")]
    for path in cached:
        path.write_bytes(b"old")
    kept = library / "__pycache__" / "a.cpython-311.pyc"
    kept.write_bytes(b"bytecode")
    drop_stale_cache(library)  # no mark yet: written for unknown sources
    assert not any(path.exists() for path in cached) and kept.exists()
    for path in cached:
        path.write_bytes(b"new")
    drop_stale_cache(library)  # the mark says these sources: kept
    assert all(path.exists() for path in cached)
    (library / "a.py").write_text("x = 2\n")
    drop_stale_cache(library)
    assert not any(path.exists() for path in cached) and kept.exists()


# The schema of run files written before the population's table was renamed (members ->
# candidates, candidates -> sources): such a file must open and read as before.
OLD_SCHEMA = """
CREATE TABLE tasks (hash TEXT PRIMARY KEY, name TEXT NOT NULL, path TEXT, source TEXT NOT NULL);
CREATE TABLE candidates (hash TEXT PRIMARY KEY, source TEXT NOT NULL);
CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL,
    task_hash TEXT NOT NULL REFERENCES tasks(hash),
    candidate_hash TEXT NOT NULL REFERENCES candidates(hash),
    function TEXT NOT NULL, verdict TEXT NOT NULL, summary TEXT NOT NULL, seconds REAL,
    report TEXT NOT NULL);
CREATE INDEX evaluations_by_candidate ON evaluations(task_hash, candidate_hash);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL,
    task_hash TEXT NOT NULL REFERENCES tasks(hash), generator TEXT NOT NULL,
    seed INTEGER NOT NULL, settings TEXT NOT NULL, status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '');
CREATE TABLE members (
    id INTEGER PRIMARY KEY AUTOINCREMENT, run_id INTEGER NOT NULL REFERENCES runs(id),
    candidate_hash TEXT NOT NULL REFERENCES candidates(hash), function TEXT NOT NULL,
    parent_id INTEGER REFERENCES members(id), origin TEXT NOT NULL, label TEXT NOT NULL,
    genome TEXT, family TEXT NOT NULL DEFAULT '', island INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL, evaluation_id INTEGER REFERENCES evaluations(id), verdict TEXT,
    speedup REAL, threads INTEGER, tokens INTEGER NOT NULL DEFAULT 0,
    cost REAL NOT NULL DEFAULT 0, UNIQUE(run_id, candidate_hash));
CREATE INDEX members_by_run ON members(run_id, id);
CREATE TABLE pins (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    member_id INTEGER NOT NULL REFERENCES members(id), created TEXT NOT NULL,
    PRIMARY KEY(run_id, member_id));
INSERT INTO tasks VALUES ('t', 'double', NULL, 'def reference(x): pass');
INSERT INTO candidates VALUES ('c1', 'def kernel(x): pass');
INSERT INTO candidates VALUES ('c2', 'def kernel(x): return 1');
INSERT INTO evaluations(created, task_hash, candidate_hash, function, verdict, summary, report)
    VALUES ('2026-01-01', 't', 'c1', 'kernel', 'ok', 'ok: fine', '{}');
INSERT INTO runs VALUES (1, '2026-01-01', 't', 'rules', 0, '{}', 'finished', 'budget');
INSERT INTO members(run_id, candidate_hash, function, parent_id, origin, label, created,
    evaluation_id, verdict, speedup, threads) VALUES
    (1, 'c1', 'kernel', NULL, 'seed', 'the reference', '2026-01-01', 1, 'ok', 1.0, 1),
    (1, 'c2', 'kernel', 1, 'rules', 'prange', '2026-01-01', NULL, NULL, NULL, NULL);
INSERT INTO pins VALUES (1, 2, '2026-01-01');
"""


def test_a_run_file_of_the_old_schema_opens_renamed_with_nothing_lost(tmp_path):
    path = tmp_path / "run.sqlite"
    old = sqlite3.connect(path)
    old.executescript(OLD_SCHEMA)
    old.close()
    with Store(path) as store:
        rows = store.candidates(1)
        assert [(r["id"], r["parent_id"], r["verdict"], r["summary"]) for r in rows] == [
            (1, None, "ok", "ok: fine"),
            (2, 1, None, ""),
        ]
        assert store.kernel_source(rows[1]["source_hash"]) == "def kernel(x): return 1"
        assert store.pins(1) == [2]
        tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}
        assert "members" not in tables and {"sources", "candidates", "pins"} <= tables
    with Store(path) as store:  # a second opening finds nothing left to rename
        assert len(store.candidates(1)) == 2


def test_a_run_file_from_before_re_timing_gains_the_columns_and_keeps_its_best(tmp_path):
    """A file written before candidates were re-timed against the best: opening it adds
    ``confirmed`` and ``retimed`` (NULL: never compared), and its best stays the one the rule of
    intervals picked then."""
    from parevo_lab import store as store_module
    from parevo_lab.rundir import read_run
    from parevo_lab.schema import best_of

    before = store_module.SCHEMA.replace("    confirmed INTEGER,\n    retimed TEXT,\n", "")
    assert "confirmed" not in before
    path = tmp_path / "run.sqlite"
    old = sqlite3.connect(path)
    old.executescript(before)
    old.executescript(
        """
        INSERT INTO tasks VALUES ('t', 'double', NULL, 'def reference(x): pass');
        INSERT INTO sources VALUES ('s1', 'def kernel(x): pass'), ('s2', 'def kernel(x): 1');
        INSERT INTO evaluations(created, task_hash, source_hash, function, verdict, summary,
            report) VALUES ('2026-01-01', 't', 's1', 'kernel', 'ok', 'ok', '{}'),
            ('2026-01-01', 't', 's2', 'kernel', 'ok', 'ok', '{}');
        INSERT INTO runs VALUES (1, '2026-01-01', 't', 'rules', 0, '{}', 'finished', 'budget');
        INSERT INTO candidates(run_id, source_hash, function, parent_id, origin, label, created,
            evaluation_id, verdict, speedup, speedup_low, threads) VALUES
            (1, 's1', 'kernel', NULL, 'seed', 'the reference', '2026-01-01', 1, 'ok', 1.0, 0.9, 2),
            (1, 's2', 'kernel', 1, 'rules', 'prange', '2026-01-01', 2, 'ok', 1.5, 1.2, 2);
        """
    )
    old.close()
    with Store(path) as store:
        rows = store.candidates(1)
        assert [(r["confirmed"], r["retimed"]) for r in rows] == [(None, None), (None, None)]
        assert best_of(rows)["id"] == 2  # its interval's lower end beat the seed's median
        columns = {r[1] for r in store.db.execute("PRAGMA table_info(candidates)")}
        assert {"speedup_low", "confirmed", "retimed"} <= columns
    state = read_run(tmp_path)
    assert state["best"]["id"] == 2
    assert state["candidates"][1]["confirmed"] is None and state["candidates"][1]["retimed"] is None
    with Store(path) as store:  # a second opening finds nothing left to add
        assert len(store.candidates(1)) == 2


def test_a_re_timing_is_recorded_with_the_evaluation(tmp_path, kernels):
    from parevo_lab.kernel import Kernel
    from parevo_lab.results import Report

    task = load_task(kernels / "double_task.py")
    with Store(tmp_path / "run.sqlite") as store:
        run = store.create_run(task, "rules", 0, {})
        first = store.add_candidate(
            run,
            task,
            Kernel(source="def kernel(x): pass"),
            parent_id=None,
            origin="seed",
            label="s",
        )
        second = store.add_candidate(
            run, task, Kernel(source="def kernel(x): 1"), parent_id=first, origin="rules", label="p"
        )
        report = Report(verdict="ok", summary="ok", task={}, candidate={}, machine={}, created="")
        comparison = {"against": first, "ratio": 1.2, "low": 1.1, "high": 1.3, "rounds": 9}
        store.finish_candidate(first, task, Kernel(source="def kernel(x): pass"), report, {})
        store.finish_candidate(
            second, task, Kernel(source="def kernel(x): 1"), report, {}, True, comparison
        )
        rows = store.candidates(run)
        assert [r["confirmed"] for r in rows] == [None, True]
        assert rows[1]["retimed"] == comparison
