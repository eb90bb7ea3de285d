"""The benchmark suite and `parevo bench`: the suite's integrity, task selection, the real command
on a folder of candidates, the files of --out, and a fast subset of the expert solutions."""

import json
import re
import shutil

import pytest
from conftest import run_cli

from parevo_lab import suite

PAREVAL_NUMBERS = {f"{i:02d}" for i in range(61)}
IRREGULAR = {
    "bfs_levels",
    "connected_components",
    "maximal_independent_set",
    "maximal_matching",
    "spanning_forest",
    "triangle_count",
    "pagerank",
    "spmv_csr",
    "kcore",
    "list_ranking",
    "sssp",
}
# one cheap task per kind of check: in-place transform, default comparison, a `check` with many
# valid answers, a float tolerance, a graph algorithm
FAST_SUBSET = [
    "pareval/55_transform_relu",
    "pareval/20_histogram_pixel_histogram",
    "pareval/43_sort_sort_an_array_of_structs_by_key",
    "pareval/27_reduce_average",
    "irregular/maximal_independent_set",
]


def test_the_suite_holds_all_of_pareval_and_the_irregular_tasks():
    entries = suite.entries()
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    pareval = [e for e in entries if e.suite == "pareval"]
    assert {e.id.split("/")[1][:2] for e in pareval} == PAREVAL_NUMBERS
    for e in pareval:  # the id names its category, as ParEval's do
        assert re.fullmatch(r"\d\d_" + e.category + r"_.+", e.id.split("/")[1]), e.id
    assert IRREGULAR <= {e.id.split("/")[1] for e in entries if e.suite == "irregular"}
    assert {e.category for e in pareval} == set(suite.CATEGORIES)


def test_every_task_has_an_expert_solution_and_documents_itself():
    for e in suite.entries():
        assert e.candidate_in(suite.EXPERT) == [suite.EXPERT / f"{e.id}.py"], e.id
        assert e.title and e.title != e.path.stem, f"{e.id} has no docstring title"


def test_select_matches_ids_suites_and_categories_and_rejects_unknown_globs():
    entries = suite.entries()
    assert [e.id for e in suite.select(entries, ["pareval/2*"])] == sorted(
        e.id for e in entries if e.id.startswith("pareval/2")
    )
    assert all(e.category == "graph" for e in suite.select(entries, ["graph"]))
    both = suite.select(entries, ["55_*", "pareval/55_transform_relu", "irregular/*"])
    assert both[0].id == "pareval/55_transform_relu" and len(both) == 1 + len(
        [e for e in entries if e.suite == "irregular"]
    )
    with pytest.raises(suite.SuiteError, match="matches no task"):
        suite.select(entries, ["pareval/99*"])


def test_list_json_gives_id_category_and_a_path_that_check_accepts():
    result = run_cli("bench", "--list", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert len(listed) == len(suite.entries())
    for item in listed:
        assert {"id", "category", "path"} <= set(item)
        assert item["path"].endswith(item["id"].split("/")[1] + ".py")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--solver", "/nonexistent/folder"], "neither expert, rules, llm nor a folder"),
        (["--tasks", "pareval/99*", "--solver", "expert"], "matches no task"),
        ([], "give --solver"),
        (["--solver", "llm"], "the llm generator needs a model endpoint"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args, message):
    result = run_cli("bench", *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("parevo: error:") and message in lines[0]


def test_bench_on_a_folder_counts_right_wrong_and_missing_and_writes_tables(tmp_path):
    folder = tmp_path / "student" / "pareval"
    folder.mkdir(parents=True)
    shutil.copy(suite.EXPERT / "pareval" / "55_transform_relu.py", folder)
    samples = folder / "58_transform_squaring"
    samples.mkdir()
    shutil.copy(suite.EXPERT / "pareval" / "58_transform_squaring.py", samples / "a.py")
    (samples / "b.py").write_text(
        "import numba\n\n\n@numba.njit(parallel=True)\ndef kernel(x):\n"
        "    for i in numba.prange(x.shape[0]):\n        x[i] = x[i] + x[i]\n"
    )
    out = tmp_path / "out"
    result = run_cli(
        "bench",
        "--solver",
        tmp_path / "student",
        "--tasks",
        "pareval/55_*",
        "--tasks",
        "pareval/58_*",
        "--tasks",
        "pareval/57_*",
        "--samples",
        "2",
        "--threads",
        "1,2",
        "--profile-budget",
        "0.2",
        "--no-projection",  # what this test reads is the tables; the projection has its own
        "--json",
        "--out",
        out,
    )
    assert result.returncode == 1, result.stderr  # 57 has no candidate: not every task solved
    data = json.loads(result.stdout)
    rows = {t["id"]: t for t in data["tasks"]}
    assert rows["pareval/55_transform_relu"]["verdict"] == "ok"
    assert rows["pareval/55_transform_relu"]["speedup"] > 0
    assert rows["pareval/55_transform_relu"]["reference_ms"] > 0  # the serial numba baseline
    assert rows["pareval/57_transform_inverse_offset"]["verdict"] == "missing"
    squaring = rows["pareval/58_transform_squaring"]
    assert [s["verdict"] for s in squaring["samples"]] == ["ok", "wrong"]
    overall = data["metrics"]["overall"]
    assert data["k"] == [1, 2]
    assert overall["pass@1"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert overall["pass@2"] == pytest.approx((1 + 1 + 0) / 3)
    assert overall["tasks_timed"] == 2
    assert set(data["metrics"]["by_category"]) == {"transform"}
    assert "[  1/3] pareval/55_transform_relu" in result.stderr  # progress, one line per sample
    for name in ("tasks", "metrics"):
        for ext in ("csv", "md", "tex"):
            assert (out / f"{name}.{ext}").stat().st_size > 0
    assert r"\toprule" in (out / "metrics.tex").read_text()
    figure = json.loads((out / "speedup_per_task.json").read_text())
    assert {trace["name"] for trace in figure["data"]} == {"transform"}
    assert (out / "plotly.min.js").is_file()
    assert "plotly.min.js" in (out / "speedup_by_category.html").read_text()


def test_a_fast_subset_of_the_expert_solutions_passes_the_full_cascade_on_a_local_cluster():
    """Five tasks at once on a Dask LocalCluster of two workers (docs/scale.md): the same
    verdicts as one at a time, the tasks in suite order whatever order they finish in."""
    args = ["bench", "--solver", "expert", "--threads", "1,2", "--no-profile", "--json"]
    args += ["--executor", "dask", "--workers", "2"]
    for task_id in FAST_SUBSET:
        args += ["--tasks", task_id]
    result = run_cli(*args)
    data = json.loads(result.stdout)
    verdicts = {t["id"]: t["verdict"] for t in data["tasks"]}
    assert verdicts == dict.fromkeys(FAST_SUBSET, "ok"), result.stderr
    assert result.returncode == 0
    assert [t["id"] for t in data["tasks"]] == sorted(FAST_SUBSET, key=_suite_order)
    assert data["machine"]["executor"].startswith("dask (a LocalCluster, 2 evaluations at once")
    assert "parevo: evaluating on dask" in result.stderr


def _suite_order(task_id: str) -> int:
    return [e.id for e in suite.entries()].index(task_id)


def test_bench_with_the_rule_generator_evolves_each_task(tmp_path):
    out = tmp_path / "rules"
    result = run_cli(
        "bench",
        "--solver",
        "rules",
        "--tasks",
        "pareval/02_dense_la_gemm",
        "--evolve-budget",
        "2",
        "--no-profile",
        "--threads",
        "1,2",
        "--json",
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    (task,) = data["tasks"]
    assert task["verdict"] == "ok"
    sample = task["samples"][0]
    assert sample["evaluations"] == 2 and sample["first_ok"] == 2
    assert "prange" in sample["summary"]
    assert data["metrics"]["overall"]["first_ok_median"] == 2
    # untimed (--no-profile): no gain of the best over the first correct candidate to show
    assert sample["first_ok_speedup"] is None
    assert data["metrics"]["overall"]["best_over_first_median"] is None
    assert (out / "runs" / "pareval" / "02_dense_la_gemm" / "sample-0" / "run.sqlite").is_file()


def test_the_terminal_view_says_when_a_slower_best_was_not_handed_out():
    from parevo_lab.report import benchmark

    def row(task_id, speedup, kept):
        return {"id": task_id, "verdict": "ok", "speedup": speedup, "threads": 2, "kept_seed": kept}

    data = {
        "solver": "rules",
        "seconds": 1,
        "k": [1],
        "tasks": [row("irregular/mis", 0.2, True), row("irregular/cc", 0.5, False)],
        "metrics": {"overall": {"tasks": 2}, "by_suite": {}, "by_category": {}},
    }
    lines = benchmark.render(data).splitlines()
    assert "stays the serial reference" in lines[0]
    assert "stays the serial reference" not in lines[1]  # the run handed out a slower kernel
