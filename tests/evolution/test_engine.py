"""`parevo evolve`: real cascade evaluations in the sandbox, a real SQLite run file, resume after
kill -9, determinism under --seed, and every bad input's one-line error."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import HISTOGRAM, parevo, rows

from parevo_lab.evolution.generators import Candidate, Context
from parevo_lab.evolution.rules.generator import RulesGenerator
from parevo_lab.task import load_task

FAST = ["--threads", "1,2", "--profile-budget", "0.05", "--timeout", "20"]


@pytest.fixture()
def histogram(tmp_path):
    path = tmp_path / "histogram.py"
    path.write_text(HISTOGRAM)
    return path


def test_evolve_finds_a_correct_parallel_histogram_and_records_the_lineage(histogram, tmp_path):
    out = tmp_path / "run"
    result = parevo("evolve", histogram, "--budget", 4, "--out", out, "--json", *FAST)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["evaluations"] == 4
    assert data["best"]["verdict"] == "ok"
    assert (out / "best.py").is_file() and (out / "run.sqlite").is_file()
    assert "def kernel" in (out / "best.py").read_text()
    candidates = data["candidates"]
    assert candidates[0]["origin"] == "seed" and candidates[0]["parent_id"] is None
    assert all(m["parent_id"] is not None and m["label"] for m in candidates[1:])
    privatised = [m for m in candidates if "privatise counts" in m["label"]]
    assert privatised and privatised[0]["verdict"] == "ok"
    assert data["first_ok"] is not None and data["first_ok"] <= 3
    # the store holds one evaluation per candidate, each with its report
    database = out / "run.sqlite"
    assert rows(database, "SELECT COUNT(*) FROM evaluations")[0][0] == 4
    assert rows(database, "SELECT COUNT(*) FROM candidates WHERE evaluation_id IS NULL")[0][0] == 0
    # progress: one line per evaluation on stderr
    assert result.stderr.count("/4]") == 4


def test_resume_continues_the_run_without_repeating_or_reseeding(histogram, tmp_path):
    out = tmp_path / "run"
    first = parevo("evolve", histogram, "--budget", 2, "--out", out, "--json", "--no-profile")
    assert first.returncode == 0, first.stderr
    again = parevo("evolve", histogram, "--budget", 2, "--out", out, "--json", "--no-profile")
    assert again.returncode == 2
    assert "already holds a run: pass --resume" in again.stderr
    resumed = parevo(
        "evolve", histogram, "--budget", 4, "--out", out, "--resume", "--json", "--no-profile"
    )
    assert resumed.returncode == 0, resumed.stderr
    data = json.loads(resumed.stdout)
    assert data["evaluations"] == 4
    database = out / "run.sqlite"
    assert rows(database, "SELECT COUNT(*) FROM candidates WHERE origin = 'seed'")[0][0] == 1
    assert rows(database, "SELECT COUNT(*) FROM evaluations")[0][0] == 4
    assert rows(database, "SELECT COUNT(*) FROM runs")[0][0] == 1


def test_a_finished_run_is_read_back_for_the_bench_not_resumed(histogram, tmp_path):
    """``parevo bench`` run again reuses a sample whose run finished with the same budget:
    resuming it would restart the stall count and evaluate on (the figure would then depend on
    how often the bench was restarted)."""
    from parevo_lab.cascade import CheckOptions
    from parevo_lab.evolution import Budget, evolve, finished

    out = tmp_path / "run"
    task = load_task(histogram)
    options = CheckOptions(threads=[1, 2], profile=False)
    done = evolve(task, budget=Budget(evaluations=2), out=out, options=options)
    again = finished(task, out, Budget(evaluations=2))
    assert again is not None and again.reason == done.reason == "evaluation budget spent (2)"
    assert [m.id for m in again.candidates] == [m.id for m in done.candidates]
    assert again.evaluations == 2 and again.first_ok() == done.first_ok()
    assert again.best_path == out / "best.py"
    assert finished(task, out, Budget(evaluations=3)) is None  # asked for more: resume it
    assert finished(task, tmp_path / "elsewhere", Budget(evaluations=2)) is None
    with sqlite3.connect(out / "run.sqlite") as db:  # killed mid-run: resume it
        db.execute("UPDATE runs SET status = 'running'")
    assert finished(task, out, Budget(evaluations=2)) is None


def test_kill_minus_nine_mid_run_then_resume_loses_and_repeats_nothing(histogram, tmp_path):
    out = tmp_path / "run"
    database = out / "run.sqlite"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "parevo_lab.cli",
            "evolve",
            str(histogram),
            "--budget",
            "5",
            "--out",
            str(out),
            "--no-profile",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    finished = 0
    while time.monotonic() < deadline and child.poll() is None:
        if database.exists():
            try:
                finished = rows(database, "SELECT COUNT(*) FROM evaluations")[0][0]
            except sqlite3.OperationalError:
                finished = 0
            if finished >= 2:
                break
        time.sleep(0.2)
    assert finished >= 2, "the run did not record two evaluations in time"
    os.killpg(child.pid, signal.SIGKILL)
    child.wait()
    before = rows(database, "SELECT id, source_hash, verdict FROM evaluations ORDER BY id")
    resumed = parevo(
        "evolve", histogram, "--budget", 5, "--out", out, "--resume", "--json", "--no-profile"
    )
    assert resumed.returncode == 0, resumed.stderr
    after = rows(database, "SELECT id, source_hash, verdict FROM evaluations ORDER BY id")
    assert after[: len(before)] == before  # nothing recorded was lost or changed
    hashes = [h for _, h, _ in after]
    assert len(hashes) == len(set(hashes)) == 5  # no candidate evaluated twice
    assert json.loads(resumed.stdout)["evaluations"] == 5


def test_the_same_seed_gives_the_same_lineage(histogram, tmp_path):
    labels = []
    for name in ("a", "b"):
        result = parevo(
            "evolve",
            histogram,
            "--budget",
            4,
            "--seed",
            7,
            "--out",
            tmp_path / name,
            "--json",
            "--no-profile",
        )
        assert result.returncode == 0, result.stderr
        labels.append(
            [(m["parent_id"], m["label"]) for m in json.loads(result.stdout)["candidates"]]
        )
    assert labels[0] == labels[1]


def test_a_hand_written_candidate_joins_the_population(histogram, tmp_path):
    mine = tmp_path / "mine.py"
    mine.write_text(
        textwrap.dedent("""
        import numba
        import numpy as np

        @numba.njit(parallel=True)
        def kernel(keys):
            counts = np.zeros(32, np.int64)
            for b in numba.prange(32):
                for i in range(keys.shape[0]):
                    if keys[i] == b:
                        counts[b] += 1
            return counts
    """)
    )
    out = tmp_path / "run"
    result = parevo(
        "evolve", histogram, "--budget", 3, "--out", out, "--add", mine, "--json", "--no-profile"
    )
    assert result.returncode == 0, result.stderr
    manual = [m for m in json.loads(result.stdout)["candidates"] if m["origin"] == "manual"]
    assert len(manual) == 1 and manual[0]["verdict"] == "ok"
    assert "mine.py" in manual[0]["label"]


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("none", ["--resume"], "no run to resume"),
        ("none", ["--generator", "llm"], "llm"),
        ("none", ["--add", "missing.py"], "missing.py not found"),
        ("changed", ["--resume"], "the task file changed since the run"),
        ("none", ["--target-threads", "12"], "--target-threads 12: give a power of two"),
        ("none", ["--target-threads", "0"], "--target-threads"),
        ("none", ["--target-threads", "64", "--machine", "tiny.json"], "tiny.json"),
    ],
)
def test_bad_input_gets_one_clear_line_and_exit_2(histogram, tmp_path, setup, args, message):
    out = tmp_path / "run"
    if setup == "changed":
        assert (
            parevo("evolve", histogram, "--budget", 2, "--out", out, "--no-profile").returncode == 0
        )
        histogram.write_text(HISTOGRAM.replace("BINS = 32", "BINS = 33"))
    result = parevo("evolve", histogram, "--out", out, *args, "--no-profile")
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_run_resumed_at_another_target_is_refused_and_keeps_its_ranking(histogram, tmp_path):
    out = tmp_path / "run"
    first = parevo("evolve", histogram, "--budget", 1, "--out", out, "--no-profile")
    assert first.returncode == 1, first.stderr  # the seed alone: no correct parallel candidate
    again = parevo("evolve", histogram, "--out", out, "--resume", "--target-threads", 2)
    assert again.returncode == 2 and again.stderr.count("\n") == 1
    assert "ranks by measured speed, not at --target-threads 2" in again.stderr
    assert rows(out / "run.sqlite", "SELECT COUNT(*) FROM candidates")[0][0] == 1  # nothing added


def test_a_target_beyond_the_cores_without_the_projection_is_refused(histogram, tmp_path):
    result = parevo(
        "evolve", histogram, "--out", tmp_path / "run", "--target-threads", 64, "--no-projection"
    )
    assert result.returncode == 2
    assert "is projected: drop --no-projection" in result.stderr
    assert result.stderr.count("\n") == 1
    small = tmp_path / "small.json"
    small.write_text(
        json.dumps({"name": "small", "cores": 8, "compute_speedup": {"1": 1, "8": 7},
                    "bandwidth_gbs": {"1": 10, "8": 40}})
    )  # fmt: skip
    result = parevo(
        "evolve", histogram, "--out", tmp_path / "run", "--target-threads", 16, "--machine", small
    )
    assert result.returncode == 2 and "(8 cores)" in result.stderr


def test_a_reference_without_a_parallel_loop_ends_with_a_clear_statement(tmp_path):
    task = tmp_path / "recurrence.py"
    task.write_text(
        textwrap.dedent(
            """
            import numpy as np

            SIZES = {"check": 300, "bench": 3000}


            def make_inputs(size, rng):
                return (rng.uniform(0.0, 1.0, size),)


            def reference(x):
                out = np.empty(x.shape[0])
                state = 0.5
                for i in range(x.shape[0]):
                    state = state * x[i] + 1.0 / (1.0 + state)
                    out[i] = state
                return out
            """
        )
    )
    result = parevo("evolve", task, "--out", tmp_path / "run", "--json", "--no-profile")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["evaluations"] == 1 and not data["correct_parallel"]
    assert data["best"]["origin"] == "seed"
    assert data["stopped"].startswith(
        "the reference has no loop the rule generator can parallelise"
    )
    assert "L4 (`for i`): `state` is carried" in data["stopped"]


def test_a_race_report_steers_the_repair_to_privatisation(histogram):
    from parevo_lab.evolution.rules.transforms import Plan, render

    task = load_task(histogram)
    seed = Candidate(
        id=1, parent_id=None, origin="seed", label="seed", source="", genome={}, verdict="ok"
    )
    # a plain prange of the histogram loop races on counts; the report says where
    source = render(task.source, Plan({"L3": "prange"}))
    lines = source.splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "+= 1" in text)
    loop_line = next(n for n, text in enumerate(lines, 1) if "numba.prange" in text)
    site = {"line": line, "text": lines[line - 1].strip()}
    report = {
        "verdict": "race",
        "summary": "race on counts",
        "races": {
            "status": "races",
            "entries": [
                {
                    "kind": "write-write",
                    "array": "counts",
                    "loop_line": loop_line,
                    "first": {**site, "iteration": 0},
                    "second": {**site, "iteration": 9},
                }
            ],
        },
    }
    racy = Candidate(
        id=2,
        parent_id=1,
        origin="rules",
        label="prange",
        source=source,
        genome={"loops": {"L3": "prange"}, "knobs": {}},
        verdict="race",
        report=report,
    )
    context = Context(task=task, candidates=[seed, racy], rng=random.Random(0))
    first = next(RulesGenerator().propose(racy, context))
    assert first.label.startswith("repair (race on counts): privatise counts")
    assert first.genome == {"loops": {"L3": "privatise"}, "knobs": {}}


def test_a_move_that_halved_the_speed_is_not_proposed_again(tmp_path):
    task_file = tmp_path / "two_loops.py"
    task_file.write_text(
        textwrap.dedent(
            """
            import numpy as np

            def make_inputs(size, rng):
                return (rng.uniform(0.0, 1.0, size),)

            def reference(x):
                y = np.empty(x.shape[0])
                for i in range(x.shape[0]):
                    y[i] = x[i] * 2.0
                z = np.empty(x.shape[0])
                for i in range(x.shape[0]):
                    z[i] = x[i] + 1.0
                return y, z
            """
        )
    )
    task = load_task(task_file)

    def candidate(id, parent, loops, speedup):
        genome = {"loops": loops, "knobs": {}}
        return Candidate(
            id=id,
            parent_id=parent,
            origin="rules",
            label="",
            source=f"# {id}",
            genome=genome,
            verdict="ok",
            speedup=speedup,
            evaluation_id=id,
        )

    seed = candidate(1, None, {}, 1.0)
    slow = candidate(2, 1, {"L3": "prange"}, 0.3)  # L3 in parallel: 3x slower than its parent
    fast = candidate(3, 1, {"L6": "prange"}, 1.6)
    context = Context(task=task, candidates=[seed, slow, fast], rng=random.Random(0))
    proposals = list(RulesGenerator().propose(fast, context))
    assert proposals, "the fast candidate still has moves (knobs)"
    assert all(p.genome["loops"].get("L3") != "prange" for p in proposals)
    assert any(p.label.startswith("tune:") for p in proposals)


def test_a_resumed_run_or_a_pinned_parent_gets_a_fresh_stall_count(histogram, tmp_path):
    """Resuming a stalled run (or "use as parent" on it) must not end it at once: the stall
    count restarts with the invocation, and a pending pin is always tried."""
    from parevo_lab.evolution import Budget, Engine
    from parevo_lab.store import Store

    task = load_task(histogram)
    with Store(tmp_path / "run.sqlite") as store:
        run_id = store.create_run(task, "rules", 0, {})
        engine = Engine(store, task, None, run_id, Budget(evaluations=100, stall=2))
        speeds = [1.0, 1.5, 1.5, 1.5, 1.5]  # no 2% gain in the last 3 evaluations
        done = [
            Candidate(
                id=i + 1,
                parent_id=i or None,
                origin="rules",
                label="x",
                source="",
                verdict="ok",
                speedup=s,
                evaluation_id=i + 1,
            )  # fmt: skip
            for i, s in enumerate(speeds)
        ]
        assert engine._stop_reason(done, time.monotonic()) == (
            "stalled: no 2% gain in the last 3 evaluations"
        )
        engine._evaluated_at_start = len(done)  # resumed here: nothing stalled yet
        assert engine._stop_reason(done, time.monotonic()) == ""
        engine._evaluated_at_start = 0
        from parevo_lab.kernel import Kernel

        pinned = store.add_candidate(
            run_id, task, Kernel(source="def kernel(k):\n    pass\n"), parent_id=None,
            origin="manual", label="mine",
        )  # fmt: skip
        store.pin(run_id, pinned)
        assert engine._stop_reason(done, time.monotonic()) == ""


def test_fastmath_is_proposed_only_for_floating_point_code(histogram):
    """fastmath reassociates floating point: on an integer histogram it cannot matter, and a
    noisy measurement of it would only steer the search by chance."""
    task = load_task(histogram)

    def context(types):
        seed = Candidate(id=1, parent_id=None, origin="seed", label="", source="# 1",
                         genome={"loops": {}, "knobs": {}}, verdict="ok", speedup=1.0,
                         evaluation_id=1)  # fmt: skip
        parallel = Candidate(id=2, parent_id=1, origin="rules", label="", source="# 2",
                             genome={"loops": {"L3": "privatise"}, "knobs": {}}, verdict="ok",
                             speedup=1.5, evaluation_id=2)  # fmt: skip
        ctx = Context(task=task, candidates=[seed, parallel], rng=random.Random(0))
        ctx.variables = types
        return parallel, ctx

    parent, ints = context({"keys": "array(int64, 1d, C)", "counts": "array(int64, 1d, C)"})
    labels = [p.label for p in RulesGenerator().propose(parent, ints)]
    assert labels and not any("fastmath" in label for label in labels)
    parent, floats = context({"keys": "array(float64, 1d, C)", "s": "float64"})
    assert any("fastmath" in p.label for p in RulesGenerator().propose(parent, floats))


def test_a_budget_beyond_what_a_run_uses_is_warned_about(histogram, tmp_path):
    from parevo_lab import settings

    big = settings.LARGE_BUDGET + 1
    result = parevo(
        "evolve", histogram, "--budget", big, "--seconds", 0.1, "--out", tmp_path / "run",
        "--threads", "1", "--no-profile",
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr  # 1: no correct parallel kernel in 0.1 s
    assert f"warning: --budget {big} is more than a run usually uses" in result.stderr
    assert "set --stall N to search longer" in result.stderr
