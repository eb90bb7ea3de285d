"""``parevo audit``: mutants of a task's reference, verified exactly as candidates, in real
sandboxed children; the suite's tasks kill every mutant that is not equivalent."""

import ast
import json

import pytest
from conftest import KERNELS, run_cli

from parevo_lab import mutate, suite
from parevo_lab.task import load_task

AUDIT = KERNELS / "audit"


def test_mutants_cover_the_operators_and_each_is_a_candidate_file():
    task = load_task(AUDIT / "weak_xor_task.py")
    found = mutate.mutants(task)
    operators = {m.operator for m in found}
    for wanted in (
        "range_end_minus",
        "range_start_plus",
        "range_step_double",
        "range_first_half",
        "range_second_half",
        "big_first_half",
        "compare_boundary",
        "xor_to_or",
        "exit_added",
        "return_constant",
        "return_input",
        "size_shortcut",
        "init_changed",
        "index_shift",
    ):
        assert wanted in operators, wanted
    assert len({m.source for m in found}) == len(found) == len({m.id for m in found})
    for m in found:
        tree = ast.parse(m.source)
        assert m.source.rstrip().endswith("kernel = reference")
        # Only the reference changed: make_inputs and the rest of the file are the task's own.
        assert task.source.split("def reference")[0] in m.source
        assert m.source != task.source and m.hint and m.description.startswith(f"line {m.line}")
        assert [n.name for n in tree.body if isinstance(n, ast.FunctionDef)] == [
            "make_inputs",
            "reference",
        ]
    shortcuts = [m for m in found if m.operator == "size_shortcut"]
    # K below each size class the verifier uses: every non-empty input, above the edge sizes,
    # above the check size (wrong only at the bench size).
    assert mutate.shortcut_sizes(task.sizes) == [0, 60, 632]
    assert {"if x.shape[0] > 632:" in m.source for m in shortcuts} == {True, False}


def test_every_suite_task_has_mutants_that_parse():
    for entry in suite.entries():
        task = load_task(entry.path)
        found = mutate.mutants(task)
        assert len(found) >= 10, entry.id
        assert mutate.nothing_to_mutate(found) is None, entry.id
        for m in found:
            ast.parse(m.source)


def test_the_audit_finds_or_for_xor_and_the_survivor_is_ok_when_checked_by_hand(tmp_path):
    task = AUDIT / "weak_xor_task.py"
    done = run_cli("audit", task, "--json", "--out", tmp_path, "--timeout", "5")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    counts = report["counts"]
    assert (
        counts["generated"]
        == len(report["mutants"])
        == sum(counts[s] for s in ("killed", "survived", "equivalent", "stillborn"))
    )
    assert counts["killed"] > 20 and 0 < report["score"] < 1
    assert report["score"] == round(counts["killed"] / (counts["killed"] + counts["survived"]), 4)
    survivors = {m["operator"]: m for m in report["mutants"] if m["status"] == "survived"}
    xor = survivors["xor_to_or"]
    # Verification's seeds never have `val` in both arrays; the audit's extra seed 27 does.
    assert xor["verdict"] == "ok" and xor["probe"]["seed"] == 27
    assert "+    return ((in_x) or (in_y))" in xor["diff"]
    assert "both sides hold" in xor["hint"]
    killed = [m for m in report["mutants"] if m["status"] == "killed"]
    assert all(m["verdict"] != "ok" and m["case"] or m["verdict"] == "timeout" for m in killed)
    # The survivor is a candidate file like any other, and verification calls it ok.
    check = run_cli("check", task, xor["path"], "--no-profile", "--no-store", "--json")
    assert check.returncode == 0 and json.loads(check.stdout)["verdict"] == "ok"
    saved = json.loads((tmp_path / "audit.json").read_text())
    assert saved["counts"] == counts and saved["out"] == str(tmp_path.resolve())
    text = run_cli("audit", task, "--out", tmp_path / "again", "--timeout", "5", "--no-probe")
    assert text.returncode == 1
    assert text.stdout.startswith("WEAK audit of weak_xor_task: mutation score")
    assert "survived: wrong kernels your inputs call ok" in text.stdout
    assert "not probed: --no-probe" in text.stdout


def test_a_hanging_mutant_is_killed_by_the_timeout_and_the_audit_goes_on(tmp_path):
    done = run_cli("audit", AUDIT / "strong_sum_task.py", "--json", "--out", tmp_path,
                   "--timeout", "2")  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    by_verdict = {}
    for m in report["mutants"]:
        by_verdict.setdefault(m["verdict"], []).append(m)
    hung = by_verdict["timeout"]
    assert any(m["operator"] == "accumulate_to_assign" and "i = 1" in m["diff"] for m in hung)
    assert all(m["status"] == "killed" for m in hung)
    # The mutants after a hang ran in a fresh child: every one has a verdict.
    first = min(int(m["id"][1:]) for m in hung)
    later = [m for m in report["mutants"] if int(m["id"][1:]) > first and m not in hung]
    assert later and all(m["verdict"] for m in later)
    assert report["counts"]["survived"] == 0 and report["score"] == 1.0


@pytest.mark.parametrize(
    "args, words",
    [
        (["tests/kernels/audit/nothing_task.py"], "is not a plain top-level def"),
        (["missing_task.py"], "not found"),
        (["tests/kernels/audit/one_liner_task.py", "--suite"], "not both and not neither"),
        ([], "not both and not neither"),
        (["tests/kernels/audit/one_liner_task.py", "--tasks", "x"], "add --suite"),
        (["--suite", "--tasks", "nosuchtask"], "matches no task"),
        (["tests/kernels/audit/one_liner_task.py", "--memory", "10"], "at least 256 MiB"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args, words, tmp_path):
    done = run_cli("audit", *args, "--out", tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], done.stderr


def test_a_one_liner_reference_gets_a_statement_not_just_a_score(tmp_path):
    done = run_cli("audit", AUDIT / "one_liner_task.py", "--json", "--out", tmp_path)
    report = json.loads(done.stdout)
    assert "no loop, comparison or arithmetic to mutate" in report["statement"]
    assert {m["operator"] for m in report["mutants"]} <= {"return_constant", "return_input"}
    assert done.returncode == (1 if report["counts"]["survived"] else 0)


# The fast subset of the suite's audit (the full one: benchmarks/audit_suite.py): the search
# tasks whose inputs once let half-array scans, OR for XOR and constant answers through (at
# small sizes, then above the check size), and 31, compared exactly.
FAST_SUBSET = ("pareval/31_*", "pareval/35_*", "pareval/36_*", "pareval/38_*", "pareval/39_*")


def test_the_audit_of_a_fast_subset_of_the_suite_kills_every_mutant(tmp_path):
    args = [a for pattern in FAST_SUBSET for a in ("--tasks", pattern)]
    done = run_cli("audit", "--suite", *args, "--json", "--out", tmp_path)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    summary = json.loads(done.stdout)
    assert len(summary["tasks"]) == len(FAST_SUBSET)
    survivors, passed = {}, {}
    # The kernels an agent would try first are not merely "probably equivalent": verification
    # itself rejects each one (half scans, at every size or only on big inputs, OR for XOR,
    # constant answers, size-dependent shortcuts).
    gaming = ("range_first_half", "range_second_half", "big_first_half", "big_second_half")
    gaming += ("xor_to_or", "return_constant", "size_shortcut")
    for task, r in summary["tasks"].items():
        survivors[task] = [
            f"{m['id']} {m['description']}" for m in r["mutants"] if m["status"] == "survived"
        ]
        passed[task] = [
            m["id"] for m in r["mutants"] if m["operator"] in gaming and m["verdict"] == "ok"
        ]
    assert not any(survivors.values()), survivors
    assert not any(passed.values()), passed
    assert summary["totals"]["killed"] > 100
