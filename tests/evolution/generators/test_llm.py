"""The llm generator against a real local HTTP server process speaking chat completions, with
scripted answers: good, racy, malformed, refused, slow."""

import json

import pytest
from conftest import GOOD_ANSWER as GOOD
from conftest import HISTOGRAM, parevo, rows
from conftest import RACY_ANSWER as RACY

from parevo_lab.evolution.rules.transforms import Plan, render


@pytest.fixture()
def histogram(tmp_path):
    path = tmp_path / "histogram.py"
    path.write_text(HISTOGRAM)
    return path


def requests(log):
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def evolve_llm(histogram, out, url, *extra):
    return parevo(
        "evolve",
        histogram,
        "--generator",
        "llm",
        "--base-url",
        url,
        "--model",
        "scripted",
        "--out",
        out,
        "--json",
        "--no-profile",
        "--no-compiled-view",  # (what the prompt makes of the view: its own test below)
        "--llm-timeout",
        "5",
        *extra,
    )


def test_a_race_goes_back_to_the_model_with_both_sites_and_the_repair_is_kept(
    histogram, tmp_path, endpoint
):
    url, log = endpoint([{"content": RACY}, {"content": GOOD}])
    result = evolve_llm(histogram, tmp_path / "run", url, "--budget", 3)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    verdicts = [m["verdict"] for m in data["candidates"]]
    assert verdicts == ["ok", "race", "ok"]
    assert data["candidates"][2]["parent_id"] == data["candidates"][1]["id"]
    assert "repair" in data["candidates"][2]["label"]
    assert data["tokens"] == 300  # two calls of 150 tokens, counted per candidate
    sent = requests(log)
    assert len(sent) == 2 and sent[0]["path"].endswith("/chat/completions")
    prompt = sent[1]["body"]["messages"][1]["content"]
    assert "race detector found a data race" in prompt
    assert "counts[keys[i]] += 1" in prompt and "iteration" in prompt
    assert "parevo_lab.primitives" in prompt and "histogram(keys, n_bins)" in prompt
    assert data["best"]["origin"] in ("llm", "seed")


def test_a_malformed_answer_is_asked_again_and_its_tokens_count(histogram, tmp_path, endpoint):
    url, log = endpoint([{"content": "Sorry, I cannot write code today."}, {"content": GOOD}])
    result = evolve_llm(histogram, tmp_path / "run", url, "--budget", 2)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [m["verdict"] for m in data["candidates"]] == ["ok", "ok"]
    assert data["tokens"] == 300
    retry = requests(log)[1]["body"]["messages"][1]["content"]
    assert "could not be used: the answer holds no ```python code block" in retry


def test_diff_mode_applies_search_replace_edits_to_the_parent(histogram, tmp_path, endpoint):
    from parevo_lab.task import load_task

    seed = render(load_task(histogram).source, Plan())
    search = "\n".join(line for line in seed.splitlines() if "counts[keys[i]] += 1" in line)
    edit = (
        "<<<<<<< SEARCH\n"
        + search
        + "\n=======\n"
        + search.replace("counts[keys[i]] += 1", "counts[keys[i]] = counts[keys[i]] + 1")
        + "\n>>>>>>> REPLACE"
    )
    bad = "<<<<<<< SEARCH\nthis line is not there\n=======\nx = 1\n>>>>>>> REPLACE"
    url, log = endpoint([{"content": bad}, {"content": edit}])
    result = evolve_llm(histogram, tmp_path / "run", url, "--budget", 2, "--llm-mode", "diff")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [m["verdict"] for m in data["candidates"]] == ["ok", "ok"]
    retry = requests(log)[1]["body"]["messages"][1]["content"]
    assert "a SEARCH block does not match the candidate" in retry
    assert "SEARCH/REPLACE" in retry


@pytest.mark.parametrize(
    ("replies", "message", "calls"),
    [
        ([{"status": 500, "body": "overloaded"}], "HTTP 500", 3),
        ([{"status": 401, "body": "bad key"}], "HTTP 401", 1),
        ([{"raw": "<html>not json</html>"}], "failed", 3),
        ([{"no_choices": True}], "a response without choices", 3),
        ([{"sleep": 8, "content": GOOD}], "no answer within 1 s", 3),
    ],
)
def test_a_failing_endpoint_stops_with_one_line_and_the_run_resumes(
    histogram, tmp_path, endpoint, replies, message, calls
):
    """Every failure stops the run in one line with the seed kept; the resume (the same for
    every failure: the run's state is what it checks) is made after the first."""
    out = tmp_path / "run"
    url, log = endpoint(replies)
    result = evolve_llm(histogram, out, url, "--budget", 2, "--llm-timeout", "1")
    assert result.returncode == 2
    error = result.stderr.splitlines()[-1]
    assert error.startswith("parevo: error: the model endpoint") and message in error
    assert "--resume" in error
    assert len(requests(log)) == calls
    database = out / "run.sqlite"
    assert rows(database, "SELECT status FROM runs")[0][0] == "failed"
    assert rows(database, "SELECT COUNT(*) FROM evaluations")[0][0] == 1  # the seed, kept
    if message != "HTTP 500":
        return
    good_url, _ = endpoint([{"content": GOOD}])
    resumed = parevo(
        "evolve",
        histogram,
        "--generator",
        "llm",
        "--base-url",
        good_url,
        "--out",
        out,
        "--resume",
        "--budget",
        2,
        "--json",
        "--no-profile",
    )
    assert resumed.returncode == 0, resumed.stderr
    data = json.loads(resumed.stdout)
    assert data["evaluations"] == 2 and data["candidates"][1]["verdict"] == "ok"
    assert rows(database, "SELECT COUNT(*) FROM candidates WHERE origin = 'seed'")[0][0] == 1


def test_an_unreachable_endpoint_and_missing_settings(histogram, tmp_path):
    result = evolve_llm(histogram, tmp_path / "a", "http://127.0.0.1:9/v1", "--budget", 2)
    assert result.returncode == 2
    assert "cannot connect" in result.stderr and "--resume" in result.stderr
    missing = parevo("evolve", histogram, "--generator", "llm", "--out", tmp_path / "b")
    assert missing.returncode == 2
    assert "needs a model endpoint: pass --base-url URL" in missing.stderr


def test_malformed_answers_are_failed_proposals_and_the_run_goes_on(histogram, tmp_path, endpoint):
    url, log = endpoint([{"content": "no code, sorry"}] * 3 + [{"content": GOOD}])
    result = evolve_llm(histogram, tmp_path / "run", url, "--budget", 2)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["failed_proposals"] == 3
    assert [m["verdict"] for m in data["candidates"]] == ["ok", "ok"]
    assert data["tokens"] == 4 * 150  # the failed answers' tokens count with the usable one
    assert len(requests(log)) == 4


def test_the_prompt_carries_what_llvm_made_of_the_parents_loops(tmp_path):
    """The compiled view of a real check goes into the feedback: the loop, the finding at its
    line and the usual fix (and nothing for a kernel whose loops cost nothing)."""
    from conftest import KERNELS, run_cli

    from parevo_lab.evolution.feedback import from_report
    from parevo_lab.evolution.generators.prompts import build_messages

    candidate = KERNELS / "wrapped.py"  # prange(0, n): a signed index
    args = ["--no-profile", "--threads", "1", "--no-store", "--json"]
    report = json.loads(run_cli("check", KERNELS / "double_task.py", candidate, *args).stdout)
    feedback = from_report(report)
    assert feedback.compiled == [
        "the loop at line 8: vectorised: signed index wraparound at line 9 "
        "`out[i] = 2.0 * x[i]`; usual fix: index with a value numba knows is not negative: "
        "prange(n) rather than prange(0, n), or an unsigned index (np.uint64(i))"
    ]
    prompt = build_messages("task", candidate.read_text(), feedback, "full", "")[1]["content"]
    assert "What LLVM made of its loops" in prompt and feedback.compiled[0] in prompt
    clean = json.loads(
        run_cli("check", KERNELS / "double_task.py", KERNELS / "good.py", *args).stdout
    )
    assert from_report(clean).compiled == []
    assert (
        "What LLVM made"
        not in build_messages("t", "s", from_report(clean), "full", "")[1]["content"]
    )


def test_the_prompt_carries_what_limits_the_parents_projected_scaling():
    """A real check's projection goes into the feedback: the speedup at the most threads, the
    limit and its usual fix; a report without a projection adds nothing."""
    from conftest import KERNELS, run_cli

    from parevo_lab.evolution.feedback import SCALING_FIXES, from_report
    from parevo_lab.evolution.generators.prompts import build_messages

    candidate = KERNELS / "good.py"
    args = ["--threads", "1,2", "--profile-budget", "0.1", "--no-store", "--json"]
    report = json.loads(run_cli("check", KERNELS / "double_task.py", candidate, *args).stdout)
    assert report["projection"]["status"] == "projected", report["projection"]
    feedback = from_report(report)
    last = report["projection"]["points"][-1]
    assert feedback.scaling.startswith(
        f"projected {last['speedup']:.2f}x at {last['threads']} threads on machine 'this', "
        f"limited by {last['bound']}"
    )
    assert feedback.scaling.endswith(SCALING_FIXES.get(last["bound"], last["detail"] + ")"))
    prompt = build_messages("task", candidate.read_text(), feedback, "full", "")[1]["content"]
    assert "How it would scale beyond this machine" in prompt and feedback.scaling in prompt
    del report["projection"]
    assert from_report(report).scaling == ""


def test_the_prompt_says_which_primitive_behaves_like_the_reference():
    """The seed's probe goes into every prompt: an exact template always, an any-answer one only
    when the task has its own check; every primitive line states its work and span."""
    from parevo_lab.evolution.generators.prompts import (
        behaviour_text,
        build_messages,
        primitives_reference,
    )

    probed = {
        "matches": [
            {"template": "connected components", "convention": "rank", "exact": True},
            {"template": "maximal matching", "convention": "valid", "exact": False},
        ],
        "check": False,
    }
    said = behaviour_text(probed)
    assert "primitives.connected_components computes the same output" in said
    assert "(rank)" in said and "maximal_matching" not in said
    assert "maximal_matching gives another valid answer" in behaviour_text(
        {**probed, "check": True}
    )
    assert behaviour_text(None) == behaviour_text({"matches": [], "note": "x"}) == ""
    prompt = build_messages("t", "s", None, "full", primitives_reference(), "", said)[1]["content"]
    assert said in prompt
    line = next(x for x in prompt.splitlines() if x.startswith("- spanning_forest("))
    assert "Work: O(n + m + R * m_rest)" in line and "Span: O(D * (sqrt(n + m)" in line
    # a Span that wraps over lines is read whole, and stops at the end of its sentence
    line = next(x for x in prompt.splitlines() if x.startswith("- list_rank("))
    assert line.endswith("about n/64 plus the number of lists (ranked in one serial pass))")
    line = next(x for x in prompt.splitlines() if x.startswith("- merge("))
    assert "(co-ranking))" in line and "a, b:" not in line


def test_the_prompt_names_the_substitutions_tried_and_how_each_ended():
    from parevo_lab.evolution.generators.base import Candidate
    from parevo_lab.evolution.generators.prompts import build_messages, tried_text

    def tried(i, family, verdict, speedup=None, summary=""):
        return Candidate(
            id=i,
            parent_id=1,
            origin="rules",
            label="x",
            source="",
            family=family,
            verdict=verdict,
            speedup=speedup,
            threads=2,
            evaluation_id=i,
            summary=summary,
        )

    candidates = [
        tried(1, "serial", "ok", 1.0),
        tried(2, "template:maximal_independent_set", "ok", 0.18),
        tried(3, "template:spanning_forest", "wrong", summary="wrong output: parent[4] = 7"),
        tried(4, "template:list_rank", "ok", 2.6),
        tried(5, "prange", "ok", 0.5),
    ]
    said = tried_text(candidates)
    lines = said.splitlines()[1:]
    assert [line.split(",")[0] for line in lines] == ["- #2", "- #3", "- #4"]
    assert (
        "maximal_independent_set: correct, 0.18x" in lines[0] and "slower than serial" in lines[0]
    )
    assert lines[1].endswith("spanning_forest: wrong: wrong output: parent[4] = 7")
    assert "slower" not in lines[2]
    assert tried_text(candidates[:1] + candidates[4:]) == ""
    prompt = build_messages("t", "s", None, "full", "", "", "", said)[1]["content"]
    assert said in prompt
