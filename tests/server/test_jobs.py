"""Runs survive the server: a restarted server lists every run, adopts a run whose process still
works, marks one whose process died as interrupted, and resumes either without repeating a
finished evaluation. Real `parevo evolve` processes, no Jupyter server needed."""

import asyncio
import os
import signal
import time

import pytest
from conftest import TESTS
from test_handlers import GOOD, TASK

from parevo_lab.server.jobs import JobManager, read_json, start_time
from parevo_lab.server.runs import Conflict, RunFolders

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

DEFAULTS = {"threads": [1], "profile_budget": 0.05}


def server(work):
    """What a server process holds: a job manager and the workbench on the work folder."""
    jobs = JobManager(work, max_jobs=1, poll_s=0.1, stop_grace_s=5.0)
    return jobs, RunFolders(work, jobs, DEFAULTS)


async def until(workbench, run_id, test, seconds=180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = workbench.run(run_id, candidates=True)
        if test(run):
            return run
        await asyncio.sleep(0.2)
    raise AssertionError(f"run {run_id}: {run['status']} {run['reason']}")


def evaluated(run):
    return [c["id"] for c in run["candidates"] if c["state"] == "evaluated"]


async def test_a_restarted_server_adopts_a_live_run_then_stops_and_resumes_it(tmp_path):
    jobs, workbench = server(tmp_path)
    run = workbench.start_run({"task": TASK, "name": "scale", "budget": 40})
    first = await until(workbench, run["id"], lambda r: len(evaluated(r)) >= 1)
    pid = read_json(tmp_path / "runs" / run["id"] / "job.json")["pid"]
    await jobs.shutdown(stop=False)  # the server goes away; its job does not

    jobs2, workbench2 = server(tmp_path)
    workbench2.restore()
    listed = workbench2.runs()
    assert [r["id"] for r in listed] == [run["id"]]
    assert listed[0]["status"] == "running"  # adopted, not restarted
    assert jobs2.get(run["id"]).pid == pid

    workbench2.stop_run(run["id"])
    stopped = await until(workbench2, run["id"], lambda r: r["status"] == "stopped", 30)
    assert start_time(pid) is None
    done = evaluated(stopped)
    assert done[: len(evaluated(first))] == evaluated(first)

    workbench2.resume_run(run["id"], budget=len(done) + 1)
    with pytest.raises(Conflict):
        workbench2.resume_run(run["id"])
    finished = await until(workbench2, run["id"], lambda r: r["status"] == "finished")
    assert evaluated(finished)[: len(done)] == done
    assert len(evaluated(finished)) == len(done) + 1
    await jobs2.shutdown()


async def test_a_run_killed_with_its_server_is_interrupted_and_resumable(tmp_path):
    jobs, workbench = server(tmp_path)
    run = workbench.start_run({"task": TASK, "name": "scale", "budget": 40})
    await until(workbench, run["id"], lambda r: len(evaluated(r)) >= 1)
    pid = read_json(tmp_path / "runs" / run["id"] / "job.json")["pid"]
    await jobs.shutdown(stop=False)
    os.killpg(pid, signal.SIGKILL)  # kill -9 of the job, as when the whole machine went down
    while start_time(pid) is not None:
        await asyncio.sleep(0.05)

    jobs2, workbench2 = server(tmp_path)
    workbench2.restore()
    shown = workbench2.run(run["id"], candidates=True)
    assert shown["status"] == "interrupted"
    assert "resume" in shown["reason"] and shown["resumable"]
    done = evaluated(shown)

    workbench2.resume_run(run["id"], budget=len(done) + 1)
    finished = await until(workbench2, run["id"], lambda r: r["status"] == "finished")
    assert evaluated(finished)[: len(done)] == done  # nothing recorded was lost or redone
    assert len(evaluated(finished)) == len(done) + 1
    await jobs2.shutdown()


async def test_a_queued_run_waits_for_the_cap_and_a_stopped_queued_run_never_starts(tmp_path):
    jobs, workbench = server(tmp_path)
    a = workbench.start_run({"task": TASK, "budget": 1})
    b = workbench.start_run({"task": TASK, "budget": 1})
    c = workbench.start_run({"task": TASK, "budget": 1})
    assert [workbench.run(x["id"])["status"] for x in (a, b, c)] == [
        "running",
        "queued",
        "queued",
    ]
    workbench.stop_run(c["id"])
    assert workbench.run(c["id"])["status"] == "stopped"
    await until(workbench, b["id"], lambda r: r["status"] == "finished")
    assert workbench.run(a["id"])["status"] == "finished"
    assert workbench.run(c["id"])["status"] == "stopped"
    assert workbench.run(c["id"])["reason"] == "stopped before it started"
    await jobs.shutdown()


SCALE_ANSWER = f"```python\n{GOOD}```"


def fake_endpoint(tmp_path, replies):
    """The scripted chat-completions server of evolution/generators/test_llm.py, as a real process."""
    import json
    import subprocess
    import sys

    tmp_path.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "script.json"
    script.write_text(json.dumps(replies))
    port = tmp_path / "port"
    process = subprocess.Popen(
        [
            sys.executable,
            str(TESTS / "fake_llm_server.py"),
            str(script),
            str(port),
            str(tmp_path / "requests.jsonl"),
        ]
    )
    deadline = time.monotonic() + 20
    while not port.exists():
        assert time.monotonic() < deadline, "the scripted server did not start"
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port.read_text()}/v1"


async def test_a_run_with_a_model_endpoint_and_one_that_refuses(tmp_path):
    process, url = fake_endpoint(tmp_path / "good", [{"content": SCALE_ANSWER}])
    try:
        jobs, workbench = server(tmp_path / "work")
        body = {"task": TASK, "budget": 2, "generator": "llm", "base_url": url, "model": "m"}
        run = workbench.start_run(body)
        done = await until(workbench, run["id"], lambda r: r["status"] == "finished")
        child = done["candidates"][1]
        assert child["origin"] == "llm" and child["tokens"] == 150
        assert child["verdict"] == "ok"
    finally:
        process.kill()
        process.wait()

    process, url = fake_endpoint(tmp_path / "refusing", [{"status": 401, "body": "bad key"}])
    try:
        run = workbench.start_run({**body, "base_url": url})
        failed = await until(workbench, run["id"], lambda r: r["status"] == "failed")
        assert "401" in failed["reason"] and "\n" not in failed["reason"]
        assert failed["resumable"]
    finally:
        process.kill()
        process.wait()
    await jobs.shutdown()


def test_every_run_setting_of_the_schema_reaches_the_job_and_nothing_else_does():
    from parevo_lab.commands.job import RUN_FLAGS, RequestError, arguments
    from parevo_lab.settings import RUN_SETTINGS_SCHEMA

    assert set(RUN_FLAGS) == set(RUN_SETTINGS_SCHEMA)
    settings = {
        "generator": "llm",
        "budget": 7,
        "seed": 3,
        "threads": [1, 2],
        "seconds": 60,
        "islands": 3,
        "profile_budget": 0.1,
        "timeout": 5,
        "base_url": "http://127.0.0.1:9/v1",
        "model": "m",
        "target_threads": 16,
        "machine": "big-server",
        "name": "a label",
        "notebook": "n.ipynb",
        "cell_id": "c1",
    }
    args = arguments({"kind": "run", "settings": settings, "candidates": ["kernel"]})
    for key, flag in RUN_FLAGS.items():
        assert flag in args, key
    assert args[-2:] == ["--add", "manual-0.py:kernel"]
    # a check takes a %%parevo_check cell's options from the panel
    assert args[args.index("--target-threads") + 1] == "16"
    check = {"function": "k", "profile": False, "profile_budget": 0.5, "timeout": 9}
    check["machine"] = "big-server"
    args = arguments({"kind": "check", "settings": check})
    assert args[0] == "check" and args[2].endswith(":k")
    assert args[args.index("--machine") + 1] == "big-server"
    for flag in ("--no-profile", "--profile-budget", "--timeout"):
        assert flag in args
    assert args[args.index("--profile-budget") + 1] == "0.5"
    with pytest.raises(RequestError, match="unknown setting"):
        arguments({"kind": "run", "settings": {"argv": ["/bin/sh"]}})
    with pytest.raises(RequestError, match="budget"):
        arguments({"kind": "run", "settings": {"budget": "16; rm -rf /"}})
    with pytest.raises(RequestError, match="machine"):  # a profile's name, never a path
        arguments({"kind": "check", "settings": {"machine": "/etc/passwd"}})
    with pytest.raises(RequestError, match="kind"):
        arguments({"kind": "shell", "settings": {}})


async def test_a_planted_request_or_job_file_never_runs_a_command_or_kills_a_process(tmp_path):
    import subprocess
    import sys

    from parevo_lab.server.jobs import write_json

    marker = tmp_path / "owned"
    planted = tmp_path / "runs" / "planted"
    planted.mkdir(parents=True)
    write_json(
        planted / "request.json",
        {
            "id": "planted",
            "kind": "run",
            "state": "queued",
            "settings": {},
            "argv": ["/bin/sh", "-c", f"touch {marker}"],
        },
    )
    victim = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        lying = tmp_path / "runs" / "lying"
        lying.mkdir()
        write_json(lying / "request.json", {"id": "lying", "kind": "run", "settings": {}})
        write_json(lying / "job.json", {"pid": victim.pid, "start_time": start_time(victim.pid)})
        jobs, workbench = server(tmp_path)
        workbench.restore()
        assert jobs.get("lying") is None  # not adopted: not our job command in that folder
        job = jobs.get("planted")
        assert job is not None  # re-queued, but as the fixed job command
        while job.state in ("queued", "running"):
            await asyncio.sleep(0.1)
        assert job.returncode != 0  # the job found no task file: a failed run
        assert not marker.exists()
        await jobs.shutdown()
        assert victim.poll() is None  # shutdown did not touch a process it never started
    finally:
        victim.kill()
        victim.wait()


NOTEBOOK_KERNEL = """
import os, signal, sys, time
from pathlib import Path
os.environ["PAREVO_SERVER_RUNS"] = sys.argv[1]
os.environ["JPY_SESSION_NAME"] = sys.argv[2]
from parevo_lab.server import notebook_runs
from parevo_lab.store import Store
from parevo_lab.task import load_task
folder = notebook_runs.register("nb-run", {"name": "scale", "budget": 4})
with Store(folder / "run.sqlite") as store:
    run = store.create_run(load_task(sys.argv[3]), "rules", 0, {})
    store.set_run_status(run, "running", "")
def interrupted(*_):
    with Store(folder / "run.sqlite") as store:
        store.set_run_status(run, "stopped", "interrupted")
    sys.exit(0)
signal.signal(signal.SIGINT, interrupted)
print("ready", flush=True)
time.sleep(120)
"""


def test_a_notebook_run_is_listed_with_the_servers_and_stopped_by_interrupting_its_kernel(
    tmp_path, monkeypatch
):
    """%parevo_evolve in a kernel of the server writes its run into the server's runs folder
    (server/notebook_runs.py): the panel lists it for its notebook, Stop interrupts the kernel,
    a kernel that died mid-run leaves it interrupted, and it is resumed in its notebook."""
    import subprocess
    import sys

    from parevo_lab.server import notebook_runs
    from parevo_lab.store import Store

    jobs, folders = server(tmp_path / "work")
    folders.root_dir = tmp_path
    notebook = tmp_path / "lessons" / "a.ipynb"
    child = subprocess.Popen(
        [sys.executable, "-c", NOTEBOOK_KERNEL, str(folders.runs_dir), str(notebook),
         str(TESTS / "kernels" / "scale_task.py")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "ready"
        run = folders.run("nb-run")
        assert (run["status"], run["origin"], run["notebook"]) == (
            "running",
            "notebook",
            "lessons/a.ipynb",
        )
        assert run["name"] == "scale" and run["budget"] == 4 and not run["resumable"]
        assert [r["id"] for r in folders.runs()] == ["nb-run"]
        with pytest.raises(Conflict, match="resume it there with %parevo_evolve --resume"):
            folders.resume_run("nb-run")
        assert folders.stop_run("nb-run")["id"] == "nb-run"
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
    assert folders.run("nb-run")["status"] == "stopped"
    with pytest.raises(Conflict, match="not running"):
        folders.stop_run("nb-run")
    # the kernel died while the run said it was running: interrupted, resumed in the notebook
    with Store(folders.runs_dir / "nb-run" / "run.sqlite") as store:
        store.set_run_status(store.runs()[-1]["id"], "running", "")
    run = folders.run("nb-run")
    assert run["status"] == "interrupted" and "%parevo_evolve --resume" in run["reason"]
    # and the other way round: the notebook's kernel lists its runs, the panel's among them
    # (named relative to the server's root) and not another notebook's (%parevo_runs)
    from parevo_lab.server.jobs import write_json

    panel = folders.runs_dir / "panel-run"
    panel.mkdir()
    write_json(panel / "request.json", {"kind": "run", "created": "2026-12-03T00:00:00",
                                        "settings": {"name": "scale", "notebook": "lessons/a.ipynb"}})  # fmt: skip
    other = folders.runs_dir / "other-run"
    other.mkdir()
    write_json(other / "request.json", {"kind": "run", "settings": {"notebook": "b.ipynb"}})
    monkeypatch.setenv(notebook_runs.ENV, str(folders.runs_dir))
    mine = notebook_runs.runs_of(str(notebook))
    assert [(r["id"], r["origin"], r["status"]) for r in mine] == [
        ("panel-run", "panel", "queued"),
        ("nb-run", "notebook", "interrupted"),
    ]
    # outside a kernel of a ParEVO server there is no shared folder: the magic's default
    monkeypatch.delenv(notebook_runs.ENV, raising=False)
    assert notebook_runs.register("x", {}) is None


def test_a_finished_check_is_answered_from_memory_not_read_and_drawn_again(tmp_path):
    """An event stream polls a check's answer twice a second: once the check is over, its
    answer (report, figure, reference view) is kept, not rebuilt from its folder each time."""
    import json

    from parevo_lab.server.jobs import OUT_FILE, write_json

    jobs, folders = server(tmp_path / "work")
    folder = folders.checks_dir / "c1"
    folder.mkdir()
    (folder / "task.py").write_text(TASK)
    write_json(folder / "request.json", {"id": "c1", "kind": "check", "settings": {}})
    report = {"verdict": "wrong", "summary": "wrong: out[3]", "profile": None}
    (folder / OUT_FILE).write_text(json.dumps(report) + "\n")
    first = folders.check("c1")
    assert (first["status"], first["verdict"]) == ("done", "wrong")
    assert "def reference" in first["reference"]
    (folder / OUT_FILE).unlink()  # were it read again, the check would now say it failed
    assert folders.check("c1") == first
