"""`parevo export`: a real run (a scripted model behind a real HTTP server: a racy answer, its
repair, a kernel that does not compile) and a real bench, exported and loaded back with the
`datasets` library; the records' promises checked against the run's own database; bad sources."""

import json
import sqlite3

import pytest
from conftest import GOOD_ANSWER as GOOD
from conftest import HISTOGRAM, ROOT, parevo, rows
from conftest import RACY_ANSWER as RACY

from parevo_lab.export import FIELDS
from parevo_lab.export.records import primitives_called
from parevo_lab.export.scrub import scrubber

BROKEN = """```python
import numba
import numpy as np

@numba.njit(parallel=True)
def kernel(keys):
    counts = np.zeros(32, np.int64)
    counts += "not a number"
    return counts
```"""

SECRET = "sk-export-test-0123456789abcdef"


@pytest.fixture(scope="module")
def llm_run(tmp_path_factory):
    """A real run: the seed, a racy answer, its repair, a kernel that does not compile; each
    profiled at 1 and 2 threads."""
    import subprocess
    import sys
    import time

    from conftest import LLM_SERVER

    folder = tmp_path_factory.mktemp("export-run")
    # a bench input large enough for the repaired kernel to be faster than serial
    (folder / "histogram.py").write_text(HISTOGRAM.replace('"bench": 40_000', '"bench": 4_000_000'))
    script = folder / "script.json"
    script.write_text(json.dumps([{"content": RACY}, {"content": GOOD}, {"content": BROKEN}]))
    server = subprocess.Popen(
        [sys.executable, str(LLM_SERVER), str(script), str(folder / "port"), str(folder / "log")]
    )
    try:
        deadline = time.monotonic() + 20
        while not (folder / "port").exists():
            assert time.monotonic() < deadline, "the scripted server did not start"
            time.sleep(0.05)
        url = f"http://127.0.0.1:{(folder / 'port').read_text()}/v1"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "parevo_lab.cli",
                "evolve",
                str(folder / "histogram.py"),
                "--generator",
                "llm",
                "--base-url",
                url,
                "--model",
                "scripted",
                "--budget",
                "4",
                "--threads",
                "1,2",
                "--profile-budget",
                "0.2",
                "--no-projection",
                "--llm-timeout",
                "5",
                "--out",
                str(folder / "run"),
            ],
            capture_output=True,
            text=True,
            timeout=600,
            env={**__import__("os").environ, "OPENAI_API_KEY": SECRET},
        )
    finally:
        server.kill()
        server.wait()
    assert (folder / "run" / "run.sqlite").is_file(), result.stderr
    return folder / "run"


def export(*args):
    result = parevo("export", *args, "--json")
    return result, (json.loads(result.stdout) if result.returncode == 0 else None)


def load(path, builder="json"):
    import datasets

    return datasets.load_dataset(
        builder, data_files=str(path), split="train", cache_dir=str(path.parent / ".hf")
    )


def lines(path):
    """The records of one kind's file ([] when no record qualified: then there is no file)."""
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_real_run_exports_three_kinds_that_datasets_loads_and_round_trips(llm_run, tmp_path):
    out = tmp_path / "data"
    result, summary = export(llm_run, "-o", out, "--min-ci-speedup", "0.01")
    assert result.returncode == 0, result.stderr
    verdicts = [
        v for (v,) in rows(llm_run / "run.sqlite", "SELECT verdict FROM candidates ORDER BY id")
    ]
    assert verdicts == ["ok", "race", "ok", "compile_error"]
    assert summary["candidates"] == 4 and summary["generated"] == 3
    assert summary["verdicts"] == {"ok": 2, "race": 1, "compile_error": 1}
    assert summary["records"]["sft"] == 1 and summary["records"]["repair"] == 3
    for kind in ("sft", "preference", "repair"):
        if not summary["records"][kind]:  # datasets cannot load an empty file: none is written
            assert not (out / f"{kind}.jsonl").exists()
            continue
        written = lines(out / f"{kind}.jsonl")
        loaded = load(out / f"{kind}.jsonl")
        assert len(loaded) == len(written) == summary["records"][kind]
        for record, back in zip(written, loaded, strict=True):
            assert set(record) == set(FIELDS[kind]), kind  # the card documents every field
            assert back == record  # every field, nested ones too, round-trips
    # the card: Hugging Face front matter whose configs name the files
    card = (out / "README.md").read_text()
    assert card.startswith("---\nlicense: other\n")
    assert "- config_name: repair\n  data_files: repair.jsonl" in card
    assert "Verified positives" in card and "In progress" not in card


def test_positives_are_verified_and_repairs_carry_typed_feedback(llm_run, tmp_path):
    out = tmp_path / "data"
    result, summary = export(llm_run, "-o", out, "--min-ci-speedup", "0.01")
    assert result.returncode == 0, result.stderr
    database = llm_run / "run.sqlite"
    stored = {
        source: (verdict, report)
        for source, verdict, report in rows(
            database,
            "SELECT c.source_hash, c.verdict, e.report FROM candidates c"
            " JOIN evaluations e ON e.id = c.evaluation_id",
        )
    }
    (sft,) = lines(out / "sft.jsonl")  # one task: its best verified candidate
    race_status = json.loads(stored[_hash(database, sft["output"])][1])["races"]["status"]
    assert stored[_hash(database, sft["output"])][0] == "ok" and race_status == "clean"
    assert sft["origin"] == "llm" and sft["provenance"]["model"] == "scripted"
    assert sft["speedup_ci_low"] >= 0.01 and {r["kind"] for r in sft["speedups"]} >= {
        "vs_serial",
        "self",
    }
    assert "make_inputs" in sft["test"] and "make_inputs" not in sft["input"]
    repairs = {(r["candidate_verdict"], r["child_verdict"]): r for r in lines(out / "repair.jsonl")}
    race = repairs[("race", "ok")]
    assert race["fixed"] is True and race["feedback"]["kind"] == "race"
    sites = race["feedback"]["race"]
    assert sites["array"] == "counts" and "counts[keys[i]] += 1" in sites["first"]["text"]
    assert sites["first"]["line"] and sites["second"]["line"]
    broken = [r for r in repairs.values() if r["child_verdict"] == "compile_error"]
    assert broken and broken[0]["fixed"] is False
    # the measured order of every preference pair, re-read from the database
    for pair in lines(out / "preference.jsonl"):
        chosen = json.loads(stored[_hash(database, pair["chosen"])][1])["profile"]
        rejected = json.loads(stored[_hash(database, pair["rejected"])][1])["profile"]
        p = str(pair["threads"])
        assert chosen["candidate"][p]["ci_high_s"] < rejected["candidate"][p]["ci_low_s"]
        assert pair["ratio"] > 1 and pair["ratio_ci_low"] > 1


def _hash(database, source):
    return rows(
        database,
        f"SELECT hash FROM sources WHERE source = '{source.replace(chr(39), chr(39) * 2)}'",
    )[0][0]


def test_nothing_of_this_machine_or_the_endpoint_leaks(llm_run, tmp_path):
    out = tmp_path / "data"
    assert export(llm_run, "-o", out)[0].returncode == 0
    url = (llm_run.parent / "port").read_text()
    for path in out.iterdir():
        if path.is_file():
            text = path.read_text()
            assert str(llm_run.parent) not in text and str(tmp_path) not in text, path.name
            assert SECRET not in text and f"127.0.0.1:{url}" not in text, path.name


def test_parquet_and_the_cards_configs_load_too(llm_run, tmp_path):
    import datasets

    out = tmp_path / "data"
    result, summary = export(llm_run, "-o", out, "--format", "parquet", "--kind", "repair")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "repair.parquet"]
    assert len(load(out / "repair.parquet", "parquet")) == summary["records"]["repair"] > 0
    by_config = datasets.load_dataset(
        str(out), "repair", split="train", cache_dir=str(tmp_path / "hf")
    )
    assert len(by_config) == summary["records"]["repair"]


def test_a_run_in_progress_is_exported_as_far_as_it_got_and_says_so(llm_run, tmp_path):
    copy = tmp_path / "running"
    copy.mkdir()
    with (
        sqlite3.connect(llm_run / "run.sqlite") as source,
        sqlite3.connect(copy / "run.sqlite") as db,
    ):
        source.backup(db)
        db.execute("UPDATE runs SET status = 'running'")
        db.execute(
            "UPDATE candidates SET evaluation_id = NULL, verdict = NULL"
            " WHERE id = (SELECT MAX(id) FROM candidates)"
        )
    result, summary = export(copy, "-o", tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert summary["candidates"] == 3 and summary["in_progress"]
    assert "**In progress:**" in (tmp_path / "data" / "README.md").read_text()


def test_a_store_of_checks_exports_its_evaluations(llm_run, tmp_path):
    """A store (the file parevo check records into) holds evaluations without runs: they export
    as sft and preference records; without parents there is no repair."""
    store = tmp_path / "parevo.db"
    with sqlite3.connect(llm_run / "run.sqlite") as source, sqlite3.connect(store) as db:
        source.backup(db)
        db.execute("DELETE FROM candidates")
        db.execute("DELETE FROM runs")
    out = tmp_path / "data"
    result, summary = export(store, "-o", out, "--min-ci-speedup", "0.01")
    assert result.returncode == 0, result.stderr
    assert summary["candidates"] == 4 and summary["records"]["repair"] == 0
    assert summary["verdicts"] == {"ok": 2, "race": 1, "compile_error": 1}
    (sft,) = lines(out / "sft.jsonl")
    assert sft["origin"] == "check" and sft["provenance"]["source"] == "store"
    assert sft["provenance"]["name"] == "parevo.db" and sft["verdict"] == "ok"
    assert not (out / "repair.jsonl").exists()


def test_a_real_bench_exports_with_suite_task_ids(tmp_path):
    bench = tmp_path / "bench"
    result = parevo(
        "bench",
        "--solver",
        "rules",
        "--evolve-budget",
        "3",
        "--tasks",
        "pareval/53_stencil_2d_jacobi_5-point_stencil",
        "--threads",
        "1,2",
        "--profile-budget",
        "0.1",
        "--no-projection",
        "--out",
        bench,
    )
    assert result.returncode == 0, result.stderr
    out = tmp_path / "data"
    result, summary = export(bench, "-o", out, "--min-ci-speedup", "0.01")
    assert result.returncode == 0, result.stderr
    assert summary["candidates"] >= 2 and not summary["in_progress"]
    records = lines(out / "repair.jsonl") + lines(out / "sft.jsonl")
    assert records and {r["task"] for r in records} == {
        "pareval/53_stencil_2d_jacobi_5-point_stencil"
    }
    assert all(r["provenance"]["source"] == "bench" for r in records)
    assert all(r["provenance"]["name"].startswith("bench/runs/pareval/") for r in records)
    assert list(load(out / "repair.jsonl")) == lines(out / "repair.jsonl")
    # the bench's report notebook carries the export as a cell that writes the same files
    import nbformat

    assert parevo("report", "--bench", bench, "--no-images").returncode == 0
    notebook = nbformat.read(bench / "report.ipynb", 4)
    cell = next(c for c in notebook.cells if "parevo_lab.export" in c.source)
    exec(cell.source, {})
    assert lines(bench / "dataset" / "repair.jsonl") == lines(out / "repair.jsonl")


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p.mkdir(), "is not a run folder"),
        (lambda p: p.write_text("not a database"), "is not a run folder"),
        (lambda p: None, "does not exist"),
        (
            lambda p: p.mkdir() or (p / "results.json").write_text('{"solver": "expert"}'),
            "a bench without evolution runs",
        ),
    ],
    ids=["empty-folder", "text-file", "missing", "expert-bench"],
)
def test_a_source_that_is_none_of_the_three_is_one_line_and_exit_2(tmp_path, make, words):
    source = tmp_path / "source"
    make(source)
    result = parevo("export", source, "-o", tmp_path / "out")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and words in result.stderr
    assert "bench" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_output_that_is_a_file_is_a_usage_error(llm_run, tmp_path):
    target = tmp_path / "file"
    target.write_text("")
    result = parevo("export", llm_run, "-o", target)
    assert result.returncode == 2 and "is a file" in result.stderr


def test_the_scrubber_cuts_paths_and_keys_but_not_code():
    scrub = scrubber()
    text = (
        'File "/home/ada/work/task.py", line 3 and ~/secret/x.py; key sk-abcdefghijklmnopqrstuvwx'
    )
    assert scrub(text) == 'File "task.py", line 3 and x.py; key <redacted>'
    code = "for i in range(n // 2):\n    a[i] = b[i] / c[i] / 2\n    r = (x)/y/z\n"
    assert scrub(code) == code


def test_primitives_called_reads_imports_and_module_attributes():
    source = (
        "from parevo_lab.primitives import histogram as h, exclusive_scan\n"
        "from parevo_lab import primitives as P\n"
        "def kernel(a):\n    b = h(a, 4)\n    return P.connected_components(a, b)\n"
    )
    assert primitives_called(source) == ["connected_components", "histogram"]


def test_the_docs_list_every_field_of_every_kind():
    text = (ROOT / "docs" / "datasets.md").read_text()
    missing = [
        f"{kind}.{name}"
        for kind, fields in FIELDS.items()
        for name in fields
        if f"`{name}`" not in text
    ]
    assert not missing
