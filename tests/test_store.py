"""Every evaluation lands in a real SQLite file; re-checking reuses numba's compile cache."""

import json
import sqlite3

from conftest import run_cli

from parevo_lab.candidate import load_candidate
from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.results import CompileResult, from_dict
from parevo_lab.store import Store
from parevo_lab.task import load_task


def test_cli_records_each_evaluation(tmp_path, kernels):
    db = tmp_path / "runs.db"
    for candidate in ("good.py", "oob.py"):
        run_cli(
            "check", kernels / "double_task.py", kernels / candidate, "--no-profile", "--db", db
        )
    rows = (
        sqlite3.connect(db)
        .execute("SELECT verdict, candidate_hash, task_hash, report FROM evaluations ORDER BY id")
        .fetchall()
    )
    assert [row[0] for row in rows] == ["ok", "runtime_error"]
    assert rows[0][1] != rows[1][1] and rows[0][2] == rows[1][2]
    assert json.loads(rows[1][3])["verify"]["failure"]["site"]["line"] == 9
    with Store(db) as store:
        sources = store.db.execute("SELECT source FROM candidates").fetchall()
        assert any("out[i + 1]" in s for (s,) in sources)
        first = store.evaluations()[0]
        report = store.report(first["id"])
        assert from_dict(CompileResult, report["compile"]).ok


def test_recheck_uses_the_compile_cache(tmp_path, kernels, monkeypatch):
    monkeypatch.setenv("PAREVO_CACHE_DIR", str(tmp_path / "cache"))
    task = load_task(kernels / "double_task.py")
    candidate = load_candidate(str(kernels / "good.py"))
    options = CheckOptions(threads=[1, 2], profile=False)
    cold = evaluate(task, candidate, options)
    warm = evaluate(task, candidate, options)
    assert cold.compile.cached is False
    assert warm.compile.cached is True
    # diagnostics of the cold compile are kept for cache hits
    assert [loop.to_dict() for loop in warm.compile.loops] == [
        loop.to_dict() for loop in cold.compile.loops
    ]
    sources = list((tmp_path / "cache" / "sources").glob("parevo_cand_*.py"))
    assert len(sources) == 1 and sources[0].read_text() == candidate.source
