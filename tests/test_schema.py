"""The shapes every road shares (parevo_lab/schema.py), and the one rule that picks the best."""

from parevo_lab.schema import (
    CANDIDATE_KEYS,
    best_of,
    best_row,
    best_steps,
    candidate_row,
    floor,
)


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
    assert best_row(best_of(rows)) == {
        "id": 4,
        "label": None,
        "speedup": 1.8,
        "threads": None,
        "projected": False,
    }


def test_a_candidate_row_has_the_schema_keys_and_a_state():
    full = {k: None for k in CANDIDATE_KEYS} | {"id": 3, "verdict": None, "summary": None}
    out = candidate_row(full)
    assert list(out) == [*CANDIDATE_KEYS, "state"]
    assert out["state"] == "pending" and out["summary"] == ""
    assert candidate_row(full | {"verdict": "ok"})["state"] == "evaluated"
    assert {"speedup_low", "confirmed", "retimed"} <= set(CANDIDATE_KEYS)


def retimed(against, ratio=1.1, low=1.02, high=1.2):
    return {"against": against, "ratio": ratio, "low": low, "high": high, "rounds": 12}


def test_a_candidate_that_lost_its_re_timing_never_takes_the_best_s_place():
    """confirmed false: its own interval looked better, the side-by-side re-timing did not."""
    rows = [row(1, 1.0, 0.95), row(2, 1.5, 1.3) | {"confirmed": False, "retimed": retimed(1)}]
    assert best_of(rows)["id"] == 1
    # the old rule would have crowned it: rows without the field keep that rule (old runs)
    assert best_of([rows[0], row(2, 1.5, 1.3)])["id"] == 2
    # with no best to displace (the seed left out), it is still the best of what is left
    assert best_of(rows[1:])["id"] == 2


def test_a_confirmed_candidate_becomes_the_best_and_the_chain_of_wins_decides():
    rows = [
        row(1, 1.0, 0.95),
        row(2, 1.5, 1.3) | {"confirmed": True, "retimed": retimed(1)},
        row(3, 9.0, 8.0),  # never re-timed (None): after a confirmed win it cannot be the best
        row(4, 1.6, 1.55) | {"confirmed": False, "retimed": retimed(2, 1.01, 0.97)},
    ]
    assert best_of(rows)["id"] == 2
    assert [b["id"] for b in best_steps(rows)] == [1, 2, 2, 2]
    # evaluations that came back out of order (a cluster): #6 was timed against #5, the best of
    # its time, which had displaced #1; the best is the end of the chain, whatever the ids say
    rows = [
        row(1, 1.0, 0.95),
        row(5, 1.4, 1.2) | {"confirmed": True, "retimed": retimed(1)},
        row(6, 1.3, 1.25) | {"confirmed": True, "retimed": retimed(5)},
    ]
    assert best_of(rows)["id"] == 6
    rows = [
        row(1, 1.0, 0.95),
        row(5, 1.3, 1.25) | {"confirmed": True, "retimed": retimed(6)},
        row(6, 1.4, 1.2) | {"confirmed": True, "retimed": retimed(1)},
    ]
    assert best_of(rows)["id"] == 5
    assert [b["id"] for b in best_steps(rows)] == [1, 5, 5]


def test_best_steps_follow_the_candidates_in_id_order():
    rows = [row(3, 2.0, 1.9), row(1, 1.0), row(2, None, verdict="wrong")]
    assert [b and b["id"] for b in best_steps(rows)] == [1, 1, 3]
    assert best_steps([]) == [] and best_of([]) is None
