"""Noise-aware selection (evolution/selection.py): a candidate becomes the run's best only after it
beat the best on an interleaved re-timing. Real runs (sandboxed children, real numba) on a task
whose reference does its work three times, so that a hand-written kernel doing it once is a
certain contender; the outcome of a re-timing is forced only where a loss must be shown."""

import json
import time

import pytest
from conftest import parevo

from parevo_lab.evolution.generators import Candidate
from parevo_lab.evolution.selection import contends, since_improvement
from parevo_lab.schema import best_of, best_steps

THRICE = '''
"""A weighted sum computed the slow way: three passes over the array."""

SIZES = {"check": 1000, "bench": 400_000}


def make_inputs(size, rng):
    return (rng.random(size),)


def reference(x):
    s = 0.0
    for r in range(3):
        for i in range(x.shape[0]):
            s += x[i] * (r + 1)
    return s
'''

ONCE = """
import numba


@numba.njit
def kernel(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i]
    return 6.0 * s
"""

FAST = ["--threads", "1,2", "--profile-budget", "0.1", "--timeout", "30"]


@pytest.fixture()
def thrice(tmp_path):
    (tmp_path / "thrice.py").write_text(THRICE)
    (tmp_path / "once.py").write_text(ONCE)
    return tmp_path / "thrice.py", tmp_path / "once.py"


def _only_confirmed_bests(candidates: list[dict]) -> list[int]:
    """The best after each candidate, asserting each is the seed or a confirmed candidate that
    was re-timed against the best before it."""
    bests, before = [], None
    for best in best_steps(candidates):
        if best is not None and (before is None or best["id"] != before["id"]):
            if best["origin"] == "seed":
                assert before is None
            else:
                assert best["confirmed"] is True, best
                assert best["retimed"]["against"] == before["id"], best
                assert best["retimed"]["low"] > 1.0
            before = best
        bests.append(best["id"] if best else None)
    return bests


def test_a_run_s_best_is_only_ever_the_seed_or_a_confirmed_candidate(thrice, tmp_path):
    task, once = thrice
    out = tmp_path / "run"
    result = parevo("evolve", task, "--budget", 4, "--add", once, "--out", out, "--json", *FAST)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    candidates = data["candidates"]
    _only_confirmed_bests(candidates)
    # the kernel written by hand does a third of the work: re-timed against the seed, it wins
    mine = next(m for m in candidates if m["origin"] == "manual")
    assert mine["retimed"]["against"] == 1 and mine["confirmed"] is True, mine
    assert mine["retimed"]["ratio"] > 1.25 and mine["retimed"]["rounds"] >= 8
    assert mine["retimed"]["threads"] == 2 and mine["retimed"]["error"] is None
    # the run's best is the end of that chain, in every view
    assert data["best"]["id"] == best_of(candidates)["id"] != 1
    from parevo_lab.rundir import read_run

    assert read_run(out)["best"]["id"] == data["best"]["id"]
    # a candidate that could not have become the best was never re-timed
    for m in candidates:
        if m["retimed"] is None:
            assert m["confirmed"] is None
    # one line per re-timing; its seconds are part of the candidate's evaluation
    assert f"re-timed #{mine['id']} against the best #1 (interleaved, " in result.stderr
    assert f"faster, #{mine['id']} is the new best" in result.stderr
    assert result.stderr.count("re-timed #") == sum(1 for m in candidates if m["retimed"])
    from parevo_lab.store import Store

    with Store(out / "run.sqlite") as store:
        row = store.candidate(data["run"], mine["id"])
        report = store.report(row["evaluation_id"])
    assert report["seconds"]["retime"] == mine["retimed"]["seconds"] > 0
    assert report["seconds"]["total"] >= report["seconds"]["retime"]


def _seed_and_mine(thrice, tmp_path, executor, **options):
    """A two-evaluation run of the thrice task: the seed, then the hand-written kernel (a sure
    contender), evaluated with ``executor`` (whose ``retime`` says what the test needs)."""
    from parevo_lab.cascade import CheckOptions
    from parevo_lab.evolution import Budget, evolve
    from parevo_lab.kernel import load_kernel

    task, once = thrice
    return evolve(
        task,
        budget=Budget(evaluations=2),
        out=tmp_path / "run",
        manual=[load_kernel(str(once))],
        options=CheckOptions(threads=[1, 2], budget_s=0.1),
        executor=executor,
        **options,
    )


def test_a_contender_that_loses_its_re_timing_is_kept_out(thrice, tmp_path, monkeypatch):
    """The hand-written kernel looks 3x faster in its own profile; the re-timing is made to say
    it is not surely faster: it stays out, the seed stays the best (and best.py is the seed)."""
    from parevo_lab import settings
    from parevo_lab.executor import LocalExecutor

    asked = []

    class NotFaster(LocalExecutor):
        def retime(self, task, incumbent, challenger, options, budget_s):
            asked.append((incumbent.source, challenger.source, budget_s))
            return {
                **{"ratio": 1.01, "low": 0.97, "high": 1.06, "rounds": 9},
                **{"threads": 2, "seconds": 0.25, "error": None},
            }

    monkeypatch.setattr(settings, "RETIME_BUDGET_S", 0.3)
    events = []
    result = _seed_and_mine(thrice, tmp_path, NotFaster(), progress=events.append)
    seed, mine = result.candidates
    assert mine.ok and mine.speedup > 1.5  # by its own profile it would have been the best
    assert len(asked) == 1 and asked[0][1] == mine.source and asked[0][2] == 0.3
    assert mine.confirmed is False and mine.retimed["against"] == seed.id
    assert result.best.id == seed.id
    assert "seed: the reference" in (tmp_path / "run" / "best.py").read_text()
    kinds = [e["type"] for e in events]
    assert kinds.count("retiming") == 1 and kinds.count("retimed") == 1
    retimed = next(e for e in events if e["type"] == "retimed")
    assert retimed["confirmed"] is False and retimed["best"].id == seed.id
    # the evolution's best generated candidate is still reported as correct
    assert result.best_generated.id == mine.id and result.to_dict()["correct_parallel"]


def test_a_re_timing_that_contradicts_both_profiles_is_repeated_once(thrice, tmp_path):
    """The first re-timing says the contender is surely slower (as when something else took the
    cores), against both profiles: it is timed again, the repeat decides, both are recorded."""
    from parevo_lab.cascade.duel import retime_text
    from parevo_lab.executor import LocalExecutor

    said = [
        {"ratio": 0.71, "low": 0.67, "high": 0.87, "rounds": 9, "seconds": 0.5},
        {"ratio": 2.7, "low": 1.96, "high": 3.59, "rounds": 12, "seconds": 0.75},
    ]

    class DisturbedOnce(LocalExecutor):
        def retime(self, task, incumbent, challenger, options, budget_s):
            return {**said.pop(0), "threads": 2, "error": None}

    result = _seed_and_mine(thrice, tmp_path, DisturbedOnce())
    seed, mine = result.candidates
    assert said == []  # timed twice
    assert mine.confirmed is True and result.best.id == mine.id
    assert (mine.retimed["ratio"], mine.retimed["rounds"]) == (2.7, 12)  # the repeat's figures
    assert mine.retimed["contradicted"] == {"ratio": 0.71, "low": 0.67, "high": 0.87}
    assert mine.retimed["seconds"] == 1.25  # both count in the run's time
    line = retime_text(mine.id, mine.retimed, True)
    assert "(repeated: the first, 0.71x [0.67-0.87], contradicted both profiles)" in line
    # what the store keeps validates against the candidate schema, the new field included
    import jsonschema

    from parevo_lab.rundir import read_run
    from parevo_lab.schema import CANDIDATE

    row = next(m for m in read_run(tmp_path / "run")["candidates"] if m["id"] == mine.id)
    assert row["retimed"]["contradicted"]["ratio"] == 0.71
    jsonschema.validate(row, CANDIDATE)


def candidate(id, speedup, low=None, confirmed=None, against=None, ratio=None):
    retimed = None if against is None else {"against": against, "ratio": ratio, "low": 1.01}
    return Candidate(
        id=id, parent_id=None, origin="rules", label="", source=f"# {id}", verdict="ok",
        speedup=speedup, speedup_low=low, evaluation_id=id, confirmed=confirmed, retimed=retimed,
    )  # fmt: skip


def test_only_a_candidate_that_would_become_the_best_is_re_timed():
    best = candidate(1, 1.2, 1.1)
    assert contends(candidate(2, 1.5, 1.3), best)
    assert not contends(candidate(2, 1.5, 1.15), best)  # its interval reaches below 1.2x
    assert not contends(candidate(2, 1.5, 1.3), None)  # the first correct one: nothing to beat
    wrong = candidate(2, 9.0, 8.0)
    wrong.verdict = "wrong"
    assert not contends(wrong, best)


def test_the_stall_count_follows_the_confirmed_best():
    seed = candidate(1, 1.0, 0.95)
    lucky = [candidate(i, 1.5, 1.3, confirmed=False, against=1, ratio=1.0) for i in (2, 3, 4)]
    assert since_improvement([seed, *lucky]) == 3  # kept out: no gain, however lucky
    won = candidate(5, 1.5, 1.3, confirmed=True, against=1, ratio=1.3)
    assert since_improvement([seed, *lucky, won]) == 0
    small = candidate(6, 1.55, 1.52, confirmed=True, against=5, ratio=1.01)
    assert since_improvement([seed, *lucky, won, small]) == 1  # the best, but not 2% better
    assert since_improvement([]) is None


def test_re_timing_counts_in_the_run_s_time(thrice, tmp_path, monkeypatch):
    """A time budget stops the run after the evaluation whose re-timing spent it."""
    from parevo_lab.cascade import CheckOptions
    from parevo_lab.evolution import Budget, evolve
    from parevo_lab.executor import LocalExecutor
    from parevo_lab.kernel import load_kernel

    class Slow(LocalExecutor):
        def retime(self, task, incumbent, challenger, options, budget_s):
            time.sleep(3.0)
            return {"ratio": 2.0, "low": 1.9, "high": 2.1, "rounds": 9, "threads": 2,
                    "seconds": 3.0, "error": None}  # fmt: skip

    task, once = thrice
    started = time.monotonic()
    result = evolve(
        task,
        budget=Budget(evaluations=10, seconds=0.5),
        out=tmp_path / "run",
        manual=[load_kernel(str(once))],
        options=CheckOptions(threads=[1, 2], budget_s=0.1),
        executor=Slow(),
    )
    assert result.evaluations == 2 and result.reason.startswith("time budget spent")
    assert result.seconds >= 3.0 and time.monotonic() - started >= 3.0
    assert result.best.confirmed is True
