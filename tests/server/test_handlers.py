"""The parevo_lab server extension, against a real Jupyter server with real `parevo` job processes.

Routes answer only to authenticated users authorised to `execute` on `parevo_lab:*`; runs and checks
execute as child processes (real numba compiles); stop kills them; the event stream replays a run's
history; bad bodies are 400s with a message naming the field.
"""

import asyncio
import json
import os
import re
import time
import warnings
from pathlib import Path

import jsonschema
import pytest
from conftest import TESTS, parse_events
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.utils import JupyterServerAuthWarning
from tornado.httpclient import HTTPClientError

import parevo_lab
from parevo_lab import settings
from parevo_lab.schema import CELLS
from parevo_lab.server.handlers import ROUTES, ParevoHandler
from parevo_lab.server.jobs import start_time

pytestmark = pytest.mark.timeout(300)

ONLY_OUR_EXTENSION = {
    "parevo_lab": True,
    # pytest-jupyter adds the terminals extension unless it is named here.
    "jupyter_server_terminals": False,
}

TASK = (TESTS / "kernels" / "scale_task.py").read_text()

OTHER_TASK = TASK.replace("2.0 * x[i] + 1.0", "x[i] * x[i]")

GOOD = (TESTS / "kernels" / "scale_good.py").read_text()

# a candidate of the scale task that races on out[0] (also checked by the Galata test)
RACY = (TESTS / "kernels" / "scale_racy.py").read_text()


def _config(tmp_path, **extra):
    return {
        "ServerApp": {
            "jpserver_extensions": dict(ONLY_OUR_EXTENSION),
            "allow_unauthenticated_access": False,
        },
        "ParevoLab": {
            "work_dir": str(tmp_path / "work"),
            "threads": [1],
            "poll_s": 0.2,
            "stop_grace_s": 5.0,
            **extra,
        },
    }


@pytest.fixture
def jp_server_config(tmp_path, request):
    config = _config(tmp_path)
    marker = request.node.get_closest_marker("authorizer")
    if marker:
        config["ServerApp"]["authorizer_class"] = marker.args[0]
    jobs = request.node.get_closest_marker("max_jobs")
    if jobs:
        config["ParevoLab"]["max_jobs"] = jobs.args[0]
    settings = request.node.get_closest_marker("parevo")
    if settings:
        config["ParevoLab"].update(settings.kwargs)
    return config


async def call(jp_fetch, *path, body=None, method=None, expect=200):
    kwargs = {"raise_error": False}
    if body is not None:
        kwargs["body"] = body if isinstance(body, str | bytes) else json.dumps(body)
        method = method or "POST"
    elif method == "POST":
        kwargs["body"] = "{}"
    response = await jp_fetch("parevo-lab", *path, method=method or "GET", **kwargs)
    text = response.body.decode() if response.body else ""
    assert response.code == expect, f"{response.code}: {text}"
    return json.loads(text) if text else None


async def wait_for(jp_fetch, run_id, statuses, seconds=240):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = await call(jp_fetch, "runs", run_id)
        if run["status"] in statuses:
            return run
        await asyncio.sleep(0.3)
    raise AssertionError(f"run {run_id} stayed {run['status']} ({run['reason']})")


async def events_of(jp_fetch, run_id, until="idle", timeout=240, headers=None, kind="runs"):
    chunks = []
    await jp_fetch(
        "parevo-lab",
        kind,
        run_id,
        "events",
        params={"until": until},
        streaming_callback=chunks.append,
        request_timeout=timeout,
        headers=headers or {},
    )
    return parse_events(b"".join(chunks).decode())


# -- the server answers, and only to those allowed to execute ------------------------------------


async def test_status_reports_name_version_and_defaults(jp_fetch):
    status = await call(jp_fetch, "status")

    assert status["name"] == "parevo-lab"
    assert status["version"] == parevo_lab.__version__
    assert status["max_jobs"] == 1
    assert status["large_budget"] == settings.LARGE_BUDGET  # the panel confirms beyond it
    assert status["defaults"]["threads"] == [1]
    assert status["defaults"]["generator"] == "rules"
    assert status["defaults"]["machine"] == "this"  # projections are onto this machine
    assert status["defaults"]["target_threads"] is None  # ranked by the speedup measured here


def _every_route_and_method():
    """(url path, method) for every handler method of the API, with made-up ids."""
    for pattern, handler in ROUTES:
        path = re.sub(r"\([^)]*\)", "x1", pattern)
        ours = handler.__mro__[: handler.__mro__.index(ParevoHandler)]  # not tornado's defaults
        for method in ("get", "post", "put", "patch", "delete"):
            if any(method in vars(cls) for cls in ours):
                yield path, method.upper()


ROUTE_METHODS = list(_every_route_and_method())


def test_the_api_has_the_routes_the_front_end_uses():
    assert ("runs", "POST") in ROUTE_METHODS
    assert ("runs/x1/events", "GET") in ROUTE_METHODS
    assert ("checks", "POST") in ROUTE_METHODS
    assert ("audits", "POST") in ROUTE_METHODS and ("audits/x1", "GET") in ROUTE_METHODS
    assert ("checks/x1/events", "GET") in ROUTE_METHODS
    assert ("audits/x1/events", "GET") in ROUTE_METHODS
    assert len(ROUTE_METHODS) >= 20


async def test_every_route_refuses_a_request_without_token(http_server_client, jp_base_url):
    for path, method in ROUTE_METHODS:
        url = f"{jp_base_url.rstrip('/')}/parevo-lab/{path}"
        body = "{}" if method == "POST" else None
        with pytest.raises(HTTPClientError) as refused:
            await http_server_client.fetch(url, method=method, body=body, follow_redirects=False)
        assert refused.value.code == 403, (path, method)


class Recording(Authorizer):
    """Allows everything and records what each handler asked for."""

    asked: list = []

    def is_authorized(self, handler, user, action, resource):
        Recording.asked.append((handler.request.path, action, resource))
        return True


class DenyAll(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        return False


async def _call_every_route(jp_fetch):
    codes = {}
    for path, method in ROUTE_METHODS:
        response = await jp_fetch(
            "parevo-lab",
            *path.split("/"),
            method=method,
            raise_error=False,
            **({"body": "{}"} if method == "POST" else {}),
        )
        codes[(path, method)] = response.code
    return codes


@pytest.mark.authorizer.with_args(Recording)
async def test_every_handler_asks_to_execute_on_a_parevo_lab_resource(jp_fetch):
    Recording.asked.clear()
    await _call_every_route(jp_fetch)

    asked = {(p.split("/parevo-lab/")[1], a, r) for p, a, r in Recording.asked}
    assert {p for p, _, _ in asked} == {path for path, _ in ROUTE_METHODS}
    assert {a for _, a, _ in asked} == {"execute"}
    assert all(r.startswith("parevo_lab:") for _, _, r in asked)


@pytest.mark.authorizer.with_args(DenyAll)
async def test_an_authorizer_that_says_no_gets_403_everywhere(jp_fetch):
    codes = await _call_every_route(jp_fetch)

    assert set(codes.values()) == {403}, codes


def test_every_handler_requires_authentication(jp_configurable_serverapp, tmp_path):
    """The extension template's check_auth: a handler without an auth decorator warns at load."""
    config = _config(tmp_path)
    config["ServerApp"]["reraise_server_extension_failures"] = True
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app = jp_configurable_serverapp(config=config)

    assert "parevo_lab" in app.extension_manager.extensions
    assert app.extension_manager.extensions["parevo_lab"].enabled
    auth_warnings = [w for w in caught if issubclass(w.category, JupyterServerAuthWarning)]
    assert auth_warnings == [], [str(w.message) for w in auth_warnings]


# -- bad input: one-line 400s, 404s and 409s ------------------------------------------------------


async def test_bad_bodies_get_a_400_naming_the_field(jp_fetch):
    cases = [
        ("not json", "not JSON"),
        ({}, "'task' is a required property"),
        ({"task": TASK, "budget": 0}, "budget: 0 is less than the minimum of 1"),
        ({"task": TASK, "threads": []}, "threads"),
        ({"task": TASK, "generator": "magic"}, "generator"),
        ({"task": TASK, "colour": "red"}, "'colour' was unexpected"),
        ({"task": TASK, "base_url": "ftp://x"}, "base_url"),
        ({"task": TASK, "target_threads": 12}, "target_threads: 12 is not one of [2, 4, 8"),
        ({"task": TASK, "machine": "../../profiles/x"}, "machine: '../../profiles/x' does not"),
    ]
    for body, expected in cases:
        answer = await call(jp_fetch, "runs", body=body, expect=400)
        assert expected in answer["message"], answer
        assert "\n" not in answer["message"]


async def test_a_cell_that_is_not_a_task_says_what_a_task_cell_needs(jp_fetch, tmp_path):
    answer = await call(jp_fetch, "runs", body={"task": "x = 1\n"}, expect=400)

    assert "defines no `reference`" in answer["message"]
    assert "def reference(*args)" in answer["message"]
    answer = await call(jp_fetch, "checks", body={"task": "def (", "candidate": GOOD}, expect=400)
    assert "syntax" in answer["message"].lower() or "line 1" in answer["message"]
    # nothing was left behind for the refused requests
    assert list((tmp_path / "work" / "runs").iterdir()) == []
    assert (await call(jp_fetch, "runs"))["runs"] == []


async def test_the_cells_route_finds_the_task_cell_by_parsing(jp_fetch):
    string_cell = '"""def reference(x):\n    return x\n"""\n'
    cells = [string_cell, "%%parevo_task scale\n" + TASK, "# notes", RACY]
    answer = await call(jp_fetch, "cells", body={"cells": cells, "active": 3})
    assert answer["task"]["index"] == 1 and answer["task"]["magic"] == "%%parevo_task"
    assert answer["task"]["python"].startswith("# %%parevo_task scale\n")
    assert answer["cell"]["kind"] == "kernel" and answer["cell"]["kernel"] == "kernel"
    assert answer["note"] is None
    alone = await call(jp_fetch, "cells", body={"cells": [string_cell, RACY], "active": 1})
    assert alone["task"] is None
    # a magic cell's options come along (the panel checks it as running it would), a bad one
    # is the cell's problem, and a task cell below the kernel comes with a note to move it
    check = "%%parevo_check --threads 1,2 --no-profile\n" + RACY
    answer = await call(jp_fetch, "cells", body={"cells": [check, TASK], "active": 0})
    assert answer["cell"]["options"] == {"threads": [1, 2], "no_profile": True}
    assert answer["task"]["index"] == 1 and "move it above" in answer["note"]
    bad = [TASK, "%%parevo_check --thread 2\n" + RACY]
    answer = await call(jp_fetch, "cells", body={"cells": bad, "active": 1})
    assert answer["cell"]["problem"].startswith("%%parevo_check: unknown option --thread:")
    jsonschema.validate(answer, CELLS)
    answer = await call(jp_fetch, "cells", body={"cells": cells, "active": 4}, expect=400)
    assert "active: 4 is not a cell index (the notebook has 4 cells)" in answer["message"]
    answer = await call(jp_fetch, "cells", body={"cells": "x", "active": 0}, expect=400)
    assert "cells" in answer["message"]


async def test_unknown_runs_checks_and_candidates_are_404(jp_fetch):
    for path in (
        ("runs", "nope"),
        ("runs", "nope", "candidates", "1"),
        ("checks", "nope"),
        ("checks", "nope", "events"),
    ):
        answer = await call(jp_fetch, *path, expect=404)
        assert "nope" in answer["message"]
    answer = await call(jp_fetch, "runs", "nope", "stop", method="POST", expect=404)
    assert "GET /parevo-lab/runs" in answer["message"]
    answer = await call(jp_fetch, "runs", "nope", "export", method="POST", expect=404)
    assert "nope" in answer["message"]
    answer = await call(jp_fetch, "runs", "nope", "export", body={"kind": "gold"}, expect=400)
    assert "kind" in answer["message"] and "\n" not in answer["message"]


# -- a run from start to finish, its events and its candidates -----------------------------------


@pytest.mark.slow
async def test_a_run_evolves_streams_its_history_and_serves_its_candidates(jp_fetch, jp_root_dir):
    run = await call(
        jp_fetch,
        "runs",
        body={
            "task": TASK,
            "name": "scale",
            "budget": 3,
            "notebook": "a.ipynb",
            "cell_id": "c1",
            "profile_budget": 0.05,
        },
        expect=201,
    )
    assert run["status"] in ("queued", "running")
    assert run["notebook"] == "a.ipynb" and run["cell_id"] == "c1"

    live = await events_of(jp_fetch, run["id"])  # follows the run to its end
    statuses = [e["data"]["status"] for e in live if e["type"] == "run"]
    assert statuses[0] in ("queued", "running") and statuses[-1] == "finished"
    candidates = {}
    for event in live:
        if event["type"] == "candidate":
            candidates.setdefault(event["data"]["id"], []).append(event["data"]["state"])
    assert len(candidates) == 3
    assert all(states[-1] == "evaluated" for states in candidates.values())
    ids = [int(e["id"].split(":")[1]) for e in live]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)

    # a client that joins late gets the same end state from the replay
    late = await events_of(jp_fetch, run["id"])
    final = {e["data"]["id"]: e["data"] for e in late if e["type"] == "candidate"}
    assert final.keys() == candidates.keys()
    # one that reconnects with the last id it saw gets nothing twice
    again = await events_of(jp_fetch, run["id"], headers={"Last-Event-ID": live[-1]["id"]})
    assert again == []

    shown = await call(jp_fetch, "runs", run["id"])
    assert shown["status"] == "finished" and shown["evaluations"] == 3
    assert shown["best"] is not None and shown["best"]["speedup"] > 0
    seed = shown["candidates"][0]
    assert seed["origin"] == "seed" and seed["parent_id"] is None
    child = next(c for c in shown["candidates"] if c["parent_id"] == seed["id"])
    assert child["label"] and child["origin"] == "rules"

    detail = await call(jp_fetch, "runs", run["id"], "candidates", str(child["id"]))
    assert "prange" in detail["source"]
    assert detail["parent"]["id"] == seed["id"] and "def reference" in detail["reference"]
    assert detail["report"]["verdict"] == detail["verdict"]
    # the Report tab's text is parevo check's own, whole
    assert detail["report_text"].splitlines()[1].strip() == detail["summary"]
    assert "wall time per stage: " in detail["report_text"]
    if detail["verdict"] == "ok":
        trace = detail["figure"]["data"][0]
        assert trace["x"] == [1] and trace["y"][0] > 0

    best = await call(jp_fetch, "runs", run["id"], "best")
    assert "def kernel" in best["source"] or "def reference" in best["source"]
    # "Export this run": parevo export's files, where the file browser shows them
    exported = await call(jp_fetch, "runs", run["id"], "export", body={"kind": "repair"})
    assert exported["path"] == f"parevo-exports/{run['id']}"
    assert exported["records"] == {"repair": 2} and exported["candidates"] == 3
    written = (jp_root_dir / exported["path"] / "repair.jsonl").read_text().splitlines()
    assert len(written) == 2 and json.loads(written[0])["task"]
    assert (jp_root_dir / exported["path"] / "README.md").is_file()
    listed = (await call(jp_fetch, "runs"))["runs"]
    assert [r["id"] for r in listed] == [run["id"]]

    # a finished run resumes with more budget; "use as parent" pins a candidate and resumes
    await call(jp_fetch, "runs", run["id"], "resume", body={"budget": 4})
    done = await wait_for(jp_fetch, run["id"], ("finished",))
    assert done["evaluations"] == 4

    # "use as parent": a run of two (the seed and its first child), then the child is pinned;
    # the run resumes and its next proposal grows from the child
    small = await call(jp_fetch, "runs", body={"task": TASK, "budget": 2}, expect=201)
    small = await wait_for(jp_fetch, small["id"], ("finished",))
    child = small["candidates"][1]
    pinned = await call(
        jp_fetch,
        "runs",
        small["id"],
        "candidates",
        str(child["id"]),
        "parent",
        body={"resume": True},
    )
    assert pinned["status"] in ("queued", "running")
    done = await wait_for(jp_fetch, small["id"], ("finished",))
    assert done["candidates"][2]["parent_id"] == child["id"]


@pytest.mark.slow
async def test_stop_kills_the_run_and_resume_goes_on_without_repeating(jp_fetch):
    run = await call(jp_fetch, "runs", body={"task": TASK, "budget": 40}, expect=201)
    first = await wait_for(jp_fetch, run["id"], ("running",))
    deadline = time.monotonic() + 120
    while first["evaluations"] < 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.3)
        first = await call(jp_fetch, "runs", run["id"])
    job = json.loads((await _folder(jp_fetch, run["id"]) / "job.json").read_text())

    await call(jp_fetch, "runs", run["id"], "stop", method="POST")
    stopped = await wait_for(jp_fetch, run["id"], ("stopped",), seconds=30)
    assert stopped["resumable"]
    assert start_time(job["pid"]) is None  # the process is gone
    with pytest.raises(ProcessLookupError):
        os.killpg(job["pid"], 0)  # and its whole group
    answer = await call(jp_fetch, "runs", run["id"], "stop", method="POST", expect=409)
    assert "not running" in answer["message"]

    evaluated = [c["id"] for c in stopped["candidates"] if c["state"] == "evaluated"]
    await call(jp_fetch, "runs", run["id"], "resume", body={"budget": len(evaluated) + 1})
    answer = await call(jp_fetch, "runs", run["id"], "resume", method="POST", expect=409)
    assert "already" in answer["message"]
    done = await wait_for(jp_fetch, run["id"], ("finished",))
    assert done["evaluations"] == len(evaluated) + 1
    again = [c["id"] for c in done["candidates"] if c["state"] == "evaluated"]
    assert again[: len(evaluated)] == evaluated  # nothing evaluated twice, nothing lost


async def _folder(jp_fetch, run_id):
    status = await call(jp_fetch, "status")
    return Path(status["work_dir"]) / "runs" / run_id


FOUR_TASKS = {
    "a.ipynb": (TASK, "2.0 * x[i] + 1.0"),
    "b.ipynb": (OTHER_TASK, "x[i] * x[i]"),
    "c.ipynb": (TASK.replace("2.0 * x[i] + 1.0", "x[i] - 3.0"), "x[i] - 3.0"),
    "d.ipynb": (TASK.replace("2.0 * x[i] + 1.0", "0.5 * x[i]"), "0.5 * x[i]"),
}


@pytest.mark.slow
@pytest.mark.max_jobs(2)
async def test_four_runs_at_once_finish_without_cross_talk_under_the_cap(jp_fetch):
    runs = {}
    for notebook, (task, _) in FOUR_TASKS.items():
        body = {"task": task, "budget": 2, "notebook": notebook}
        runs[notebook] = await call(jp_fetch, "runs", body=body, expect=201)
    assert [r["status"] for r in runs.values()].count("queued") >= 2  # the cap of two holds
    most = 0
    while True:
        shown = {r["id"]: r for r in (await call(jp_fetch, "runs"))["runs"]}
        states = [shown[r["id"]]["status"] for r in runs.values()]
        most = max(most, states.count("running"))
        assert states.count("running") <= 2, states
        if all(s == "finished" for s in states):
            break
        assert not any(s in ("failed", "interrupted") for s in states), states
        await asyncio.sleep(0.2)
    assert most == 2, "the runs never ran two at a time"
    for notebook, run in runs.items():
        _, expression = FOUR_TASKS[notebook]
        events = await events_of(jp_fetch, run["id"])
        assert {e["data"]["id"] for e in events if e["type"] == "run"} == {run["id"]}
        shown = await call(jp_fetch, "runs", run["id"])
        assert shown["notebook"] == notebook
        for candidate in shown["candidates"]:
            detail = await call(jp_fetch, "runs", run["id"], "candidates", str(candidate["id"]))
            assert expression in detail["reference"]


@pytest.mark.slow
@pytest.mark.parevo(executor="dask", dask_workers=2)
async def test_runs_evaluate_on_the_dask_cluster_the_server_started(jp_fetch):
    run = await call(jp_fetch, "runs", body={"task": TASK, "budget": 3}, expect=201)
    done = await wait_for(jp_fetch, run["id"], ("finished",))
    assert done["evaluations"] == 3, done
    for candidate in done["candidates"]:
        detail = await call(jp_fetch, "runs", run["id"], "candidates", str(candidate["id"]))
        # the cluster speaks TLS on 127.0.0.1: the run joined it with the server's credentials
        assert detail["report"]["sandbox"]["verify"]["worker"].startswith("tls://127.0.0.1:")


# -- one-off checks ------------------------------------------------------------------------------


async def _check(jp_fetch, candidate):
    check = await call(
        jp_fetch,
        "checks",
        body={"task": TASK, "candidate": candidate, "profile": False},
        expect=201,
    )
    # the check's answers come over the same event stream as a run's, until it is done
    events = await events_of(jp_fetch, check["id"], kind="checks", timeout=180)
    assert {e["type"] for e in events} == {"check"}
    statuses = [e["data"]["status"] for e in events]
    assert statuses[-1] not in ("queued", "running") and statuses.count(statuses[-1]) == 1
    assert events[-1]["data"] == await call(jp_fetch, "checks", check["id"])
    # the diff is read against the task's reference, not its make_inputs
    assert "def reference" in check["reference"] and "make_inputs" not in check["reference"]
    return events[-1]["data"]


@pytest.mark.slow
async def test_a_check_of_a_cell_gives_the_verdict_and_the_race_trace(jp_fetch):
    good = await _check(jp_fetch, GOOD)
    assert good["status"] == "done" and good["verdict"] == "ok", good["summary"]
    assert good["report_text"].startswith("PASS ok ") and "\nverify: ok, " in good["report_text"]

    racy = await _check(jp_fetch, RACY)
    assert racy["verdict"] in ("race", "wrong"), racy["summary"]
    if racy["verdict"] == "race":
        entry = racy["report"]["races"]["entries"][0]
        assert entry["array"] == "out"
        assert {entry["first"]["line"], entry["second"]["line"]} <= {9, 10}


# -- audits of a task cell -----------------------------------------------------------------------

WEAK_TASK = (TESTS / "kernels" / "audit" / "weak_xor_task.py").read_text()


@pytest.mark.slow
async def test_an_audit_of_a_task_cell_names_the_wrong_kernels_its_inputs_accept(jp_fetch):
    audit = await call(
        jp_fetch,
        "audits",
        body={"task": WEAK_TASK, "timeout": 5, "notebook": "weak.ipynb", "cell_id": "c1"},
        expect=201,
    )
    assert audit["status"] in ("queued", "running") and audit["report"] is None
    events = await events_of(jp_fetch, audit["id"], kind="audits", timeout=300)
    assert {e["type"] for e in events} == {"audit"}
    audit = events[-1]["data"]
    assert audit["status"] == "done", audit["summary"]
    assert audit["notebook"] == "weak.ipynb" and audit["cell_id"] == "c1"
    assert audit["summary"].startswith("mutation score 0.")
    survivors = [m for m in audit["report"]["mutants"] if m["status"] == "survived"]
    xor = next(m for m in survivors if m["operator"] == "xor_to_or")
    assert Path(xor["path"]).is_file() and "or (in_y)" in xor["diff"]
    answer = await call(jp_fetch, "audits", audit["id"], "stop", method="POST", expect=409)
    assert "is not running" in answer["message"]


async def test_audit_requests_that_cannot_work_are_400_and_404(jp_fetch, tmp_path):
    for body, expected in (
        ({}, "'task' is a required property"),
        ({"task": WEAK_TASK, "budget": 3}, "'budget' was unexpected"),
        ({"task": WEAK_TASK, "timeout": 0}, "timeout"),
        ({"task": "x = 1\n"}, "defines no `reference`"),
    ):
        answer = await call(jp_fetch, "audits", body=body, expect=400)
        assert expected in answer["message"], answer
    assert list((tmp_path / "work" / "audits").iterdir()) == []
    answer = await call(jp_fetch, "audits", "nope", expect=404)
    assert "no audit 'nope'" in answer["message"]


@pytest.mark.parametrize(
    ("trait", "value", "said"),
    [
        ("machine", "../../etc/passwd", "give a profile's name"),
        ("machine", "", "give a profile's name"),
        ("target_threads", 3, "give 0 (rank by the speedup measured here) or one of 2, 4"),
        ("target_threads", 128, "or one of"),
    ],
)
def test_a_bad_machine_or_target_in_the_server_config_is_refused_in_one_line(trait, value, said):
    from traitlets import TraitError

    from parevo_lab.server.app import ParevoLab

    with pytest.raises(TraitError, match=re.escape(said)) as caught:
        ParevoLab(**{trait: value})
    assert "\n" not in str(caught.value) and f"c.ParevoLab.{trait}" in str(caught.value)
    good = ParevoLab(machine="lent-16_core", target_threads=16)
    assert good.defaults()["machine"] == "lent-16_core"
    assert good.defaults()["target_threads"] == 16
