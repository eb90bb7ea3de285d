"""The race detector: recall and false alarms on the labelled corpus, and the report's shape."""

import re
from pathlib import Path

import pytest
from conftest import TESTS, run_cli

from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.kernel import load_kernel
from parevo_lab.task import load_task

CORPUS = sorted((TESTS / "races").glob("*.py"))
OPTIONS = CheckOptions(threads=[1, 2], profile=False, timeout_s=20)


def races_of(path, function="kernel", task=None, **options):
    report = evaluate(
        load_task(task or path),
        load_kernel(f"{path}:{function}"),
        CheckOptions(**{**vars(OPTIONS), **options}),
    )
    return report


def expected_label(path: Path) -> str:
    return re.search(r'^EXPECT = "(race|clean)"', path.read_text(), re.M).group(1)


def test_corpus_is_large_and_balanced():
    labels = [expected_label(p) for p in CORPUS]
    assert len(CORPUS) >= 25
    assert labels.count("race") >= 12 and labels.count("clean") >= 12


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_recall_and_no_false_alarms(path):
    report = races_of(path)
    expected = expected_label(path)
    if expected == "race":
        assert report.races.status == "races", report.races.reason
        assert report.verdict == "race"
    else:
        assert report.races.status == "clean", (report.races.reason, report.races.entries)
        assert report.verdict == "ok", report.summary


def test_replay_entry_has_every_field_of_the_contract():
    report = races_of(TESTS / "races" / "race_scatter_dup.py")
    entry = next(e for e in report.races.entries if "write-write" in e["kinds"])
    assert entry["source"] == "replay" and entry["array"] == "out"
    assert isinstance(entry["index"], list) and len(entry["index"]) == 1
    first, second = entry["first"], entry["second"]
    for site in (first, second):
        assert "out[idx[i]] += x[i]" in site["text"]
        assert site["line"] > 0 and site["column"] >= 0
    assert first["iteration"] != second["iteration"]
    assert entry["count"] >= 1
    assert set(entry["different_chunks"]) == {"2", "4", "8"}
    assert report.races.inputs_checked == 3
    # teachable: one entry per pair of sites (its kinds merged), and the pair shown runs on
    # different threads at 2 threads (not iterations 0 and 1 of one thread's chunk)
    sites = [
        tuple(
            sorted(
                [
                    (e["first"]["line"], e["first"]["column"]),
                    (e["second"]["line"], e["second"]["column"]),
                ]
            )
        )  # fmt: skip
        for e in report.races.entries
    ]
    assert len(sites) == len(set(sites))
    assert entry["kind"] == " and ".join(entry["kinds"]) and entry["example_kind"] in entry["kinds"]
    assert entry["different_chunks"]["2"], entry


def test_race_verdict_keeps_verify_and_profile_results():
    path = TESTS / "races" / "race_single_element_ww.py"
    report = races_of(path, profile=True, budget_s=0.2)
    assert report.verdict == "race"
    assert report.verify.cases and report.profile is not None


def test_helper_race_points_into_the_helper():
    report = races_of(TESTS / "races" / "race_nested_helpers.py")
    entry = report.races.entries[0]
    assert entry["second"]["function"] == "store"
    assert "out[j // 2] = v" in entry["second"]["text"]


def test_kernel_without_prange_says_so(tmp_path, kernels):
    path = tmp_path / "serial.py"
    path.write_text(
        "import numba\nimport numpy as np\n\n@numba.njit\ndef kernel(x):\n"
        "    out = np.empty_like(x)\n    for i in range(x.shape[0]):\n"
        "        out[i] = 2.0 * x[i]\n    return out\n"
    )
    report = races_of(path, task=kernels / "double_task.py")
    assert report.races.status == "clean"
    assert report.races.reason == "no parallel loop to check"


def test_opaque_call_on_a_tracked_array_is_listed_as_unchecked(tmp_path, kernels):
    path = tmp_path / "opaque.py"
    path.write_text(
        "import numba\nimport numpy as np\n\n@numba.njit(parallel=True)\ndef kernel(x):\n"
        "    out = np.zeros_like(x)\n    for i in numba.prange(x.shape[0]):\n"
        "        out[i] = 2.0 * x[i] + 0.0 * np.sum(out)\n    return out\n"
    )
    report = races_of(path, task=kernels / "double_task.py")
    assert report.races.unchecked
    assert report.races.unchecked[0]["array"] == "out"
    assert "np.sum" in report.races.unchecked[0]["reason"]


def test_kernel_failing_inside_the_replay_is_a_runtime_error_with_its_line(tmp_path, kernels):
    path = tmp_path / "replay_only.py"
    path.write_text(
        "import numba\nimport numpy as np\n\n@numba.njit(parallel=True)\ndef kernel(x):\n"
        "    out = np.empty_like(x)\n    for i in numba.prange(x.shape[0]):\n"
        "        if numba.get_num_threads() > 1:\n"
        "            raise ValueError('parallel only')\n"
        "        out[i] = 2.0 * x[i]\n    return out\n"
    )
    report = races_of(path, task=kernels / "double_task.py")
    assert report.verdict == "runtime_error"
    assert "inside the race replay" in report.summary


def test_parevo_races_prints_traces_and_exits_1():
    path = TESTS / "races" / "race_inplace_stencil.py"
    result = run_cli("races", path, path, "--threads", "1,2", "--no-store")
    assert result.returncode == 1, result.stderr
    assert "WARNING: ParEVO race" in result.stdout
    assert "x[i] = (x[i - 1] + x[i] + x[i + 1]) / 3.0" in result.stdout or "x[i" in result.stdout
    assert re.search(r"^\s+\|\s+\^", result.stdout, re.M)  # a caret under the access
    clean = TESTS / "races" / "clean_csr_pull.py"
    result = run_cli("races", clean, clean, "--threads", "1,2", "--no-store")
    assert result.returncode == 0
    assert "races: clean" in result.stdout


def test_serialised_inner_prange_is_named():
    report = races_of(TESTS / "races" / "clean_nested_prange.py")
    assert report.races.status == "clean"
    assert any("line 30 is serialised" in note for note in report.races.notes)


def test_check_function_race_checks_any_njit_function_in_process():
    import sys

    import numpy as np

    from parevo_lab.cascade.races import check_function

    sys.path.insert(0, str(TESTS / "races"))
    import clean_perm_scatter
    import race_half_index

    rng = np.random.default_rng(0)
    racy = check_function(race_half_index.kernel, *race_half_index.make_inputs(300, rng))
    assert racy.status == "races" and "write-write" in racy.entries[0]["kinds"]
    clean = check_function(clean_perm_scatter.kernel, *clean_perm_scatter.make_inputs(300, rng))
    assert clean.status == "clean", clean.entries
