"""`against.compare`: what each solver hands out per task (a kept seed counts as the serial
reference, 1.00x), the ratios and their geomean per suite, and the tasks left out."""

import math

import pytest

from parevo_lab.report import against


def task(task_id, speedup, verdict="ok", kept_seed=False, evolved=True):
    sample = {"verdict": verdict, "kept_seed": kept_seed}
    if evolved:
        sample["evaluations"] = 16
    return {
        "id": task_id,
        "suite": task_id.split("/")[0],
        "verdict": verdict,
        "speedup": speedup,
        "kept_seed": kept_seed and speedup is not None,
        "samples": [sample],
    }


RULES = {
    "solver": "rules",
    "tasks": [
        task("pareval/a", 2.0),
        task("pareval/b", 0.6, kept_seed=True),  # slower: best.py stays the reference
        task("pareval/c", None, verdict="missing", kept_seed=True),  # nothing generated
        task("irregular/d", 3.0),
        task("irregular/e", 1.5),  # the expert failed here
        task("irregular/f", 1.2),  # the expert was not run here
    ],
}
EXPERT = {
    "solver": "expert",
    "tasks": [
        task("pareval/a", 1.6, evolved=False),
        task("pareval/b", 1.25, evolved=False),
        task("pareval/c", 0.8, evolved=False),
        task("irregular/d", 1.5, evolved=False),
        task("irregular/e", None, verdict="wrong", evolved=False),
        task("irregular/g", 2.0, evolved=False),  # only the expert ran this one
    ],
}


def test_kept_seeds_count_as_the_serial_reference_and_failures_are_left_out():
    result = against.compare(RULES, EXPERT)
    rows = {r["id"]: r for r in result["rows"]}
    assert [r["id"] for r in result["rows"]][-1] == "irregular/g"
    assert rows["pareval/a"]["ratio"] == pytest.approx(2.0 / 1.6)
    assert rows["pareval/b"]["this"] == 1.0 and rows["pareval/b"]["note"] == "rules: seed kept"
    assert rows["pareval/c"]["this"] == 1.0 and rows["pareval/c"]["ratio"] == pytest.approx(1.25)
    assert "ratio" not in rows["irregular/e"] and rows["irregular/e"]["note"] == "expert: wrong"
    assert rows["irregular/f"]["note"] == "expert: not run"
    assert rows["irregular/g"]["note"] == "rules: not run"
    s = result["summary"]
    assert s["compared"] == 4 and s["faster"] == 3 and s["seed_kept"] == 2
    assert s["left_out"] == ["irregular/e", "irregular/f", "irregular/g"]
    pareval = [2.0 / 1.6, 1.0 / 1.25, 1.0 / 0.8]
    assert s["by_suite"]["pareval"] == pytest.approx(math.prod(pareval) ** (1 / 3))
    assert s["by_suite"]["irregular"] == pytest.approx(2.0)
    assert s["geomean_ratio"] == pytest.approx((math.prod(pareval) * 2.0) ** (1 / 4))
    assert s["this_geomean"] == pytest.approx((2.0 * 1.0 * 1.0 * 3.0) ** (1 / 4))
    lines = against.headline(s)
    assert lines[0].startswith("rules against expert: geomean ratio ")
    assert "(irregular 2.00, pareval " in lines[0] and lines[0].endswith("rules faster on 3")
    assert "2 tasks where the evolution kept its seed count as 1.00x" in lines[2]


def test_a_fixed_solver_slower_than_serial_counts_as_measured():
    slow = {"solver": "expert", "tasks": [task("pareval/a", 0.5, evolved=False)]}
    fast = {"solver": "rules", "tasks": [task("pareval/a", 1.5)]}
    (row,) = against.compare(fast, slow)["rows"]
    assert row["other"] == 0.5 and row["ratio"] == pytest.approx(3.0)


def test_with_nothing_in_common_the_headline_says_so():
    result = against.compare(
        {"solver": "rules", "tasks": [task("pareval/a", 2.0)]},
        {"solver": "expert", "tasks": [task("pareval/z", 2.0, evolved=False)]},
    )
    assert result["summary"]["geomean_ratio"] is None
    assert against.headline(result["summary"]) == [
        "no task has a timed result from both rules and expert"
    ]
    fig = against.scatter(result["rows"], "rules", "expert")
    assert [t.name for t in fig.data] == ["equal"]  # only the diagonal
