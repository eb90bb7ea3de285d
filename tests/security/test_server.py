"""Issue 18, item 6: what a request can make the server do. A real Jupyter server with the
extension, real `parevo` jobs, and a run folder a real `parevo evolve` wrote.

Bodies with NaN or Infinity, oversized bodies, oversized values, odd ids, a full queue, a run
list at its cap, a locked SQLite file, a feed past its history, and the DELETE routes."""

import asyncio
import json
import shutil
import sqlite3
import threading
import time

import pytest
from conftest import TESTS, parevo, parse_events

from parevo_lab import settings
from parevo_lab.server.jobs import write_json

pytestmark = pytest.mark.timeout(300)

TASK = (TESTS / "kernels" / "scale_task.py").read_text()
GOOD = TASK.replace("def reference(x):", "def kernel(x):")
RUN_ID = "scale-20260101-000000-abcd"


@pytest.fixture
def jp_server_config(tmp_path, request):
    config = {
        "ServerApp": {
            "jpserver_extensions": {"parevo_lab": True, "jupyter_server_terminals": False},
            "allow_unauthenticated_access": False,
        },
        "ParevoLab": {
            "work_dir": str(tmp_path / "work"),
            "threads": [1],
            "poll_s": 0.2,
            "stop_grace_s": 5.0,
        },
    }
    jobs = request.node.get_closest_marker("max_jobs")
    if jobs:
        config["ParevoLab"]["max_jobs"] = jobs.args[0]
    chosen = request.node.get_closest_marker("parevo")
    if chosen:
        config["ParevoLab"].update(chosen.kwargs)
    return config


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A finished run of two candidates, written by a real `parevo evolve`, with the request
    file the server writes beside it."""
    folder = tmp_path_factory.mktemp("made") / RUN_ID
    done = parevo(
        "evolve", TESTS / "kernels" / "scale_task.py", "--out", folder, "--budget", "2",
        "--threads", "1", "--profile-budget", "0.05",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    shutil.copy(TESTS / "kernels" / "scale_task.py", folder / "task.py")
    write_json(
        folder / "request.json",
        {"id": RUN_ID, "kind": "run", "created": "2026-01-01T00:00:00", "settings": {}},
    )
    return folder


def plant(tmp_path, finished_run) -> str:
    shutil.copytree(finished_run, tmp_path / "work" / "runs" / RUN_ID)
    return RUN_ID


async def fetch(jp_fetch, *path, body=None, method=None, headers=None):
    """(status, JSON answer) of a request to the API."""
    kwargs = {"raise_error": False, "headers": headers or {}}
    if body is not None:
        kwargs["body"] = body if isinstance(body, str | bytes) else json.dumps(body)
    response = await jp_fetch(
        "parevo-lab", *path, method=method or ("POST" if body is not None else "GET"), **kwargs
    )
    text = response.body.decode() if response.body else ""
    try:
        return response.code, json.loads(text) if text else None
    except ValueError:
        return response.code, text


async def refused(jp_fetch, *path, code, body=None, method=None) -> str:
    """The one-line message of a refusal with ``code``."""
    got, answer = await fetch(jp_fetch, *path, body=body, method=method)
    assert got == code, f"{got}: {str(answer)[:300]}"
    message = answer["message"]
    assert "\n" not in message and len(message) < 600, message[:600]
    return message


async def events_of(jp_fetch, run_id, last=None):
    chunks = []
    await jp_fetch(
        "parevo-lab", "runs", run_id, "events",
        params={"until": "idle"},
        streaming_callback=chunks.append,
        request_timeout=60,
        headers={"Last-Event-ID": last} if last else {},
    )  # fmt: skip
    return parse_events(b"".join(chunks).decode())


async def wait_for(jp_fetch, run_id, statuses, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        code, run = await fetch(jp_fetch, "runs", run_id)
        assert code == 200, run
        if run["status"] in statuses:
            return run
        await asyncio.sleep(0.3)
    raise AssertionError(f"run {run_id} stayed {run['status']}")


# -- bodies ---------------------------------------------------------------------------------------


async def test_nan_and_infinity_are_a_400_naming_the_field(jp_fetch, tmp_path):
    """A NaN timeout passed every numeric limit of the schema and reached `--timeout nan`: a
    looping candidate was never killed."""
    head = json.dumps({"task": TASK})[:-1]
    for raw, field in (
        (head + ', "timeout": NaN}', "timeout"),
        (head + ', "seconds": Infinity}', "seconds"),
        (head + ', "profile_budget": -Infinity}', "profile_budget"),
    ):
        message = await refused(jp_fetch, "runs", body=raw, code=400)
        assert f"invalid request: {field}: " in message and "finite number" in message, message
    raw = json.dumps({"task": TASK, "candidate": GOOD})[:-1] + ', "timeout": NaN}'
    assert "timeout" in await refused(jp_fetch, "checks", body=raw, code=400)
    assert list((tmp_path / "work" / "runs").iterdir()) == []
    # and a job's own request file is read the same way
    folder = tmp_path / "job"
    folder.mkdir()
    (folder / "task.py").write_text(TASK)
    (folder / "request.json").write_text('{"kind": "run", "settings": {"timeout": NaN}}')
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "parevo_lab.commands.job"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "NaN" in done.stderr and "request.json" in done.stderr, done.stderr
    assert not (folder / "run.sqlite").exists()


async def test_a_body_over_the_cap_is_a_413_before_it_is_parsed(jp_fetch, tmp_path):
    big = json.dumps({"task": TASK + "#" + "x" * settings.MAX_BODY_BYTES})
    message = await refused(jp_fetch, "runs", body=big, code=413)
    assert f"at most {settings.MAX_BODY_BYTES // 2**20} MiB" in message, message
    assert "413" not in message
    assert list((tmp_path / "work" / "runs").iterdir()) == []


async def test_values_echoed_in_a_400_are_cut_short(jp_fetch):
    """A 2 MB bad value came back whole in the message; a 10^5-entry thread list was validated
    item by item on the event loop."""
    for body, field in (
        ({"task": TASK, "name": "n" * 2_000_000}, "name"),
        ({"task": TASK, "budget": "9" * 2_000_000}, "budget"),
        ({"task": TASK, "threads": [1] * 100_000}, "threads"),
        ({"task": TASK, "threads": ["x" * 2_000_000]}, "threads.0"),
        ({"task": TASK, "k" * 2_000_000: 1}, "body"),
    ):
        message = await refused(jp_fetch, "runs", body=body, code=400)
        assert message.startswith(f"invalid request: {field}: "), message[:300]
    message = await refused(
        jp_fetch, "runs", body={"task": TASK, "threads": [1] * 100_000}, code=400
    )
    assert "100000 items" in message and "at most 16" in message, message


async def test_candidate_and_run_ids_are_ascii_digits_and_names(jp_fetch, tmp_path, finished_run):
    """`str.isdigit()` took '²' (a 500), Arabic-Indic '١' (candidate 1) and a 23-digit id (a 500
    from SQLite)."""
    run_id = plant(tmp_path, finished_run)
    code, one = await fetch(jp_fetch, "runs", run_id, "candidates", "1")
    assert code == 200 and one["id"] == 1
    for odd in ("²", "١", "1" * 23, "-1", "0x1", " 1", "1.0"):
        message = await refused(jp_fetch, "runs", run_id, "candidates", odd, code=404)
        assert "candidate" in message, message
        message = await refused(
            jp_fetch, "runs", run_id, "candidates", odd, "parent", body={}, code=404
        )
    for kind in ("runs", "checks", "audits"):
        message = await refused(jp_fetch, kind, "a" * 5000, code=404)
        assert len(message) < 400, message
    # an event id with odd digits replays everything rather than failing
    events = await events_of(jp_fetch, run_id)
    epoch = events[0]["id"].split(":")[0]
    again = await events_of(jp_fetch, run_id, last=f"{epoch}:²")
    assert [e["id"] for e in again] == [e["id"] for e in events]


# -- bounds ---------------------------------------------------------------------------------------


@pytest.mark.max_jobs(1)
@pytest.mark.parevo(max_queued=1, max_runs=3)
async def test_a_full_queue_and_a_full_run_list_are_refused_in_one_line(jp_fetch, tmp_path):
    runs = tmp_path / "work" / "runs"
    body = {"task": TASK, "budget": 40}
    code, first = await fetch(jp_fetch, "runs", body=body)
    assert code == 201 and first["status"] == "running", first
    code, second = await fetch(jp_fetch, "runs", body=body)
    assert code == 201 and second["status"] == "queued", second
    message = await refused(jp_fetch, "runs", body=body, code=429)
    assert "queue is full" in message and "1 job" in message, message
    message = await refused(jp_fetch, "checks", body={"task": TASK, "candidate": GOOD}, code=429)
    assert len(list(runs.iterdir())) == 2 and len(list((runs.parent / "checks").iterdir())) == 0
    await fetch(jp_fetch, "runs", second["id"], "stop", body={})  # a queued run: cancelled
    code, third = await fetch(jp_fetch, "runs", body=body)
    assert code == 201, third
    message = await refused(jp_fetch, "runs", body=body, code=409)
    assert "3 runs" in message and "DELETE" in message, message
    assert len(list(runs.iterdir())) == 3
    for run in (first, third):
        await fetch(jp_fetch, "runs", run["id"], "stop", body={})
    await wait_for(jp_fetch, first["id"], ("stopped", "failed", "interrupted"))


@pytest.mark.parevo(feed_events=2)
async def test_the_event_history_is_capped_and_an_old_client_is_told(
    jp_fetch, jp_serverapp, tmp_path, finished_run
):
    """`Feed.events` grew without bound; a client asking for events the feed no longer holds
    gets a `reset` event, then the run's whole state (events are upserts)."""
    run_id = plant(tmp_path, finished_run)
    first = await events_of(jp_fetch, run_id)
    candidates = {e["data"]["id"] for e in first if e["type"] == "candidate"}
    assert candidates == {1, 2} and first[-1]["type"] == "run"
    code, added = await fetch(jp_fetch, "runs", run_id, "candidates", body={"source": GOOD})
    assert code == 201, added
    feed = await jp_serverapp.web_app.settings["parevo_lab"].feeds.get(run_id)
    await feed.refresh()  # the feed has read the new candidate (the POST's poke may not yet)
    assert len(feed.events) <= 2 and feed.dropped >= 3
    again = await events_of(jp_fetch, run_id, last=first[0]["id"])
    assert again[0]["type"] == "reset", again
    assert "dropped" in again[0]["data"]["message"]
    shown = {e["data"]["id"] for e in again if e["type"] == "candidate"}
    assert shown == candidates | {added["id"]}
    assert any(e["type"] == "run" for e in again)
    # a client that missed nothing gets only what is new
    assert await events_of(jp_fetch, run_id, last=again[-1]["id"]) == []


async def test_a_locked_run_store_does_not_block_the_server(jp_fetch, tmp_path, finished_run):
    """`GET runs` opened every run's SQLite on the event loop: one locked file froze every
    request of the Jupyter server (kernels, files, terminals) for up to 30 s."""
    run_id = plant(tmp_path, finished_run)
    lock = sqlite3.connect(
        tmp_path / "work" / "runs" / run_id / "run.sqlite", check_same_thread=False
    )
    lock.execute("PRAGMA locking_mode=EXCLUSIVE")  # as a backup, a VACUUM or a slow disk holds it
    lock.execute("BEGIN EXCLUSIVE")
    released = threading.Event()

    def release():
        lock.rollback()
        lock.close()
        released.set()

    timer = threading.Timer(10, release)
    timer.start()
    try:
        listing = asyncio.ensure_future(fetch(jp_fetch, "runs"))
        await asyncio.sleep(0.5)
        code, status = await fetch(jp_fetch, "status")
        assert code == 200
        assert not released.is_set(), "the status waited for the locked store"
        code, listed = await listing
        assert code == 200 and [r["id"] for r in listed["runs"]] == [run_id]
    finally:
        timer.cancel()
        if not released.is_set():
            release()


# -- DELETE -------------------------------------------------------------------------------------


async def test_delete_removes_a_finished_run_check_or_audit_and_refuses_a_running_one(
    jp_fetch, tmp_path, finished_run
):
    run_id = plant(tmp_path, finished_run)
    code, answer = await fetch(jp_fetch, "runs", run_id, method="DELETE")
    assert (code, answer) == (204, None)
    assert not (tmp_path / "work" / "runs" / run_id).exists()
    await refused(jp_fetch, "runs", run_id, code=404)
    assert (await fetch(jp_fetch, "runs"))[1]["runs"] == []
    await refused(jp_fetch, "runs", run_id, method="DELETE", code=404)

    for kind, answer in (
        ("checks", {"verdict": "wrong", "summary": "wrong: out[3]", "profile": None}),
        ("audits", {"counts": {}, "summary": "mutation score 1.00", "mutants": []}),
    ):
        folder = tmp_path / "work" / kind / "done-1"
        folder.mkdir()
        (folder / "task.py").write_text(TASK)
        write_json(folder / "request.json", {"id": "done-1", "kind": kind[:-1], "settings": {}})
        (folder / "job.out").write_text(json.dumps(answer) + "\n")
        assert (await fetch(jp_fetch, kind, "done-1"))[1]["status"] == "done"
        assert (await fetch(jp_fetch, kind, "done-1", method="DELETE"))[0] == 204
        assert not folder.exists()
        await refused(jp_fetch, kind, "done-1", code=404)

    code, running = await fetch(jp_fetch, "runs", body={"task": TASK, "budget": 40})
    assert code == 201
    message = await refused(jp_fetch, "runs", running["id"], method="DELETE", code=409)
    assert "stop it first" in message, message
    assert (tmp_path / "work" / "runs" / running["id"]).is_dir()
    await fetch(jp_fetch, "runs", running["id"], "stop", body={})
    await wait_for(jp_fetch, running["id"], ("stopped", "failed", "interrupted"))
    assert (await fetch(jp_fetch, "runs", running["id"], method="DELETE"))[0] == 204
    assert not (tmp_path / "work" / "runs" / running["id"]).exists()
