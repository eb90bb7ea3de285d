"""The shapes every road shares (parevo_lab/schema.py), and the one rule that picks the best."""

from parevo_lab.schema import CANDIDATE_KEYS, best_of, best_row, candidate_row, floor


def row(id, speedup, low=None, verdict="ok"):
    return {"id": id, "verdict": verdict, "speedup": speedup, "speedup_low": low}


def test_without_intervals_the_best_is_the_fastest_the_earliest_among_equals():
    rows = [row(1, 1.0), row(2, 1.5), row(3, 1.2), row(4, 1.5), row(5, 9.0, verdict="race")]
    assert best_of(rows)["id"] == 2
    assert best_of([row(1, None, verdict="wrong")]) is None


def test_a_candidate_becomes_the_best_only_when_its_interval_clears_the_best():
    """One lucky median does not crown a kernel: the lower end of the newcomer's 95% interval
    must beat the best's median (noise-aware selection)."""
    rows = [row(1, 1.0, 0.95), row(2, 1.5, 1.1), row(3, 1.55, 1.40)]
    assert best_of(rows)["id"] == 2  # 1.55x, but it may well be 1.40x: not surely faster
    rows.append(row(4, 1.8, 1.6))
    assert best_of(rows)["id"] == 4
    assert floor(row(9, 2.0)) == 2.0 and floor(row(9, 2.0, 1.7)) == 1.7
    assert best_row(best_of(rows)) == {"id": 4, "label": None, "speedup": 1.8, "threads": None}


def test_a_candidate_row_has_the_schema_keys_and_a_state():
    full = {k: None for k in CANDIDATE_KEYS} | {"id": 3, "verdict": None, "summary": None}
    out = candidate_row(full)
    assert list(out) == [*CANDIDATE_KEYS, "state"]
    assert out["state"] == "pending" and out["summary"] == ""
    assert candidate_row(full | {"verdict": "ok"})["state"] == "evaluated"
    assert "speedup_low" in CANDIDATE_KEYS
