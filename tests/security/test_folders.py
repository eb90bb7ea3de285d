"""Issue 18, items 1 and 7: nothing read back from a folder is run or killed on trust, a folder
other users can write is refused, and run data is private.

Real processes throughout: a real `jupyter server`, real `parevo` jobs, real processes of ours
that a planted file names."""

import asyncio
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TESTS, parevo, process_alive
from jupyter_process import JupyterServer

from parevo_lab.server.jobs import JobManager, job_command, start_time, write_json
from parevo_lab.server.runs import Conflict, NotFound, RunFolders

pytestmark = pytest.mark.timeout(300)

TASK = (TESTS / "kernels" / "scale_task.py").read_text()
DEFAULTS = {"threads": [1], "profile_budget": 0.05}


def server(work):
    """What a server process holds: a job manager and the run folders on the work folder."""
    jobs = JobManager(work, max_jobs=1, poll_s=0.1, stop_grace_s=5.0)
    return jobs, RunFolders(work, jobs, DEFAULTS)


def plant(folder: Path, request: dict, task: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / "request.json", request)
    if task is not None:
        (folder / "task.py").write_text(task)
    return folder


def task_that_touches(marker: Path) -> str:
    """A task file that leaves ``marker`` behind when anything loads it."""
    return TASK + f"\nopen({str(marker)!r}, 'w').close()\n"


def lookalike_job(folder: Path, tmp_path: Path) -> subprocess.Popen:
    """A live process of ours that is the server's job command in ``folder`` (what the server
    checks on /proc today) but that no server started: a person ran it by hand, or a planted
    job.json names it. It sleeps in a sitecustomize before the job's module runs."""
    hook = tmp_path / "hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text("import time\ntime.sleep(120)\n")
    path = os.pathsep.join(p for p in (str(hook), os.environ.get("PYTHONPATH")) if p)
    proc = subprocess.Popen(
        job_command(),
        cwd=folder,
        env={**os.environ, "PYTHONPATH": path},
        start_new_session=True,
    )
    while start_time(proc.pid) is None:
        time.sleep(0.01)
    return proc


async def test_a_job_process_of_ours_that_the_server_did_not_start_is_not_adopted(tmp_path):
    """Item 1: a pid is adopted only when its process knows the token the server gave its job;
    the same command in the same folder, started by anyone else, is left alone."""
    folder = plant(tmp_path / "work" / "runs" / "lying", {"id": "lying", "kind": "run"})
    victim = lookalike_job(folder, tmp_path)
    try:
        write_json(folder / "job.json", {"pid": victim.pid, "start_time": start_time(victim.pid)})
        other = plant(tmp_path / "work" / "runs" / "guessed", {"id": "guessed", "kind": "run"})
        write_json(
            other / "job.json",
            {"pid": victim.pid, "start_time": start_time(victim.pid), "token": "0" * 32},
        )
        jobs, folders = server(tmp_path / "work")
        folders.restore()
        assert jobs.get("lying") is None, "adopted a process the server never started"
        assert jobs.get("guessed") is None, "adopted a process with a token it does not hold"
        assert folders.run("lying")["status"] != "running"
        await jobs.shutdown(stop=True)
        await asyncio.sleep(0.5)
        assert victim.poll() is None, "the server stopped a process it never started"
    finally:
        victim.kill()
        victim.wait()


def test_a_work_folder_other_users_can_write_is_refused_at_start(tmp_path):
    """Item 1: a real `jupyter server` with a group-writable work folder says so at start, in one
    line naming the folder and the fix, answers every route with it, and runs nothing from it;
    the folder made private, it serves."""
    work = tmp_path / "shared"
    work.mkdir()
    work.chmod(0o775)  # a group folder: anyone in the group could plant a job
    marker = tmp_path / "ran"
    planted = plant(
        work / "runs" / "planted",
        {"id": "planted", "kind": "run", "state": "queued", "settings": {}},
        task_that_touches(marker),
    )
    jupyter = JupyterServer(tmp_path / "root", work).start(ready=500)
    try:
        code, answer = jupyter.call("GET", "status")
        assert code == 500
        line = answer["message"]
        assert line.startswith(f"parevo_lab: refusing the work folder {work}: "), line
        assert "writable by other users (mode 0775)" in line and "chmod 700" in line, line
        assert "c.ParevoLab.work_dir" in line and "\n" not in line
        assert jupyter.call("POST", "runs", {"task": TASK}) == (500, answer)
        assert jupyter.call("GET", "runs/planted")[0] == 500
        time.sleep(2)  # what a restore would have started by now
        assert line in jupyter.log_text()
        assert not (planted / "job.json").exists() and not marker.exists()
    finally:
        jupyter.stop()
    work.chmod(0o700)
    (planted / "request.json").unlink()
    jupyter = JupyterServer(tmp_path / "root", work).start()
    try:
        assert jupyter.call("GET", "status")[0] == 200
    finally:
        jupyter.stop()


async def test_a_run_folder_other_users_can_write_or_own_is_skipped_and_never_run(tmp_path):
    """Item 1: a run folder that others can write (or that another user owns) is neither
    listed, served nor restarted; the run folders beside it are."""
    marker = tmp_path / "ran"
    runs = tmp_path / "work" / "runs"
    request = {"kind": "run", "state": "queued", "settings": {}, "created": "2026-01-01"}
    open_one = plant(runs / "open", {"id": "open", **request}, task_that_touches(marker))
    open_one.chmod(0o777)
    foreign = plant(runs / "foreign", {"id": "foreign", **request}, task_that_touches(marker))
    if os.geteuid() == 0:
        os.chown(foreign, 65534, 65534)  # nobody's
    else:
        foreign.chmod(0o775)  # writable by the group
    fine = plant(runs / "fine", {"id": "fine", "kind": "run", "created": "2026-01-02"})
    jobs, folders = server(tmp_path / "work")
    folders.restore()
    try:
        assert jobs.get("open") is None and jobs.get("foreign") is None
        assert [r["id"] for r in folders.runs()] == ["fine"]
        for run_id in ("open", "foreign"):
            with pytest.raises(NotFound) as refused:
                folders.run(run_id)
            assert "writable by other users" in str(refused.value) or "belongs to" in str(
                refused.value
            ), refused.value
            with pytest.raises(NotFound):
                folders.resume_run(run_id)
        await asyncio.sleep(2)
        assert not marker.exists()
        assert fine.is_dir()
    finally:
        await jobs.shutdown()


# a process of ours that this process did not start: its parent exits at once
ORPHAN = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                         start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(child.pid, flush=True)
"""


def test_a_notebook_run_naming_a_process_that_is_not_our_kernel_does_not_signal_it(tmp_path):
    """Item 1: Stop of a notebook's run interrupts its kernel only when the process it names is
    a kernel of this server (ours, and below the server's process); any other process of ours
    is neither shown as the run's kernel nor interrupted."""
    jobs, folders = server(tmp_path / "work")
    started = subprocess.run(
        [sys.executable, "-c", ORPHAN], capture_output=True, text=True, check=True
    )
    pid = int(started.stdout)
    try:
        assert start_time(pid) is not None
        plant(
            folders.runs_dir / "nb",
            {
                "id": "nb",
                "kind": "run",
                "origin": "notebook",
                "settings": {"name": "scale"},
                "kernel": {"pid": pid, "start_time": start_time(pid)},
            },
        )
        assert folders.run("nb")["status"] != "running"
        with pytest.raises(Conflict, match="not running"):
            folders.stop_run("nb")
        time.sleep(0.5)
        assert process_alive(pid), "Stop interrupted a process that is no kernel of ours"
    finally:
        os.kill(pid, signal.SIGKILL)


def modes(folder: Path) -> dict[str, str]:
    """{relative path: octal mode} of the folder and everything in it."""
    found = {".": oct(stat.S_IMODE(folder.stat().st_mode))}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


@pytest.mark.slow
async def test_run_data_is_private_after_a_real_run(tmp_path):
    """Item 7: a server's work folder, its run folders and every file of a real run (request,
    job files, logs, task, SQLite, best.py) are 0700 and 0600; so is a run folder that
    `parevo evolve --out` makes."""
    usual = os.umask(0o022)  # the usual umask: the modes below are the code's, not the test's
    try:
        await _a_real_run_and_a_cli_run(tmp_path)
    finally:
        os.umask(usual)


async def _a_real_run_and_a_cli_run(tmp_path):
    jobs, folders = server(tmp_path / "work")
    run = folders.start_run({"task": TASK, "name": "scale", "budget": 1})
    deadline = time.monotonic() + 240
    while folders.run(run["id"])["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        await asyncio.sleep(0.3)
    assert folders.run(run["id"])["status"] == "finished", folders.run(run["id"])
    await jobs.shutdown()
    folder = folders.runs_dir / run["id"]
    assert {"request.json", "job.json", "job.out", "job.log", "task.py", "run.sqlite"} <= set(
        os.listdir(folder)
    )
    for where in (tmp_path / "work", folders.runs_dir, folders.checks_dir, folders.audits_dir):
        assert modes(where)["."] == "0o700", where
    found = modes(folder)
    wrong = {
        name: mode
        for name, mode in found.items()
        if mode != ("0o700" if (folder / name).is_dir() else "0o600")
    }
    assert wrong == {}, found

    out = tmp_path / "cli" / "scale"
    done = parevo(
        "evolve", TESTS / "kernels" / "scale_task.py", "--out", out, "--budget", "1",
        "--threads", "1", "--profile-budget", "0.05",
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    found = modes(out)
    assert found["."] == "0o700" and found["run.sqlite"] == "0o600", found
    assert found["best.py"] == "0o600", found


# As a normal user: a job that makes itself non-dumpable (as one that starts candidates does)
# in its folder, and a server's job manager that checks it on /proc.
NON_DUMPABLE = """
import asyncio, ctypes, os, subprocess, sys, time
from pathlib import Path
from parevo_lab.server.jobs import JobManager, job_command, start_time, write_json
home = Path(sys.argv[1])
folder = home / "runs" / "live"
folder.mkdir(parents=True)
write_json(folder / "request.json", {"id": "live", "kind": "run", "settings": {}})
hook = home / "hook"
hook.mkdir()
(hook / "sitecustomize.py").write_text(
    "import ctypes, time\\n"
    "ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0\\n"
    "time.sleep(120)\\n"
)
mark = "ab" * 16
job = subprocess.Popen(job_command(mark), cwd=folder,
                       env={**os.environ, "PYTHONPATH": f"{hook}:{os.environ['PYTHONPATH']}"})
while True:  # until the job is non-dumpable: its cwd is closed to us
    try:
        os.readlink(f"/proc/{job.pid}/cwd")
    except PermissionError:
        break
    time.sleep(0.02)
write_json(folder / "job.json", {"pid": job.pid, "start_time": start_time(job.pid), "mark": mark})
async def main():
    jobs = JobManager(home, poll_s=0.1)
    adopted = jobs.adopt("live", "run", folder)
    print("ADOPTED", adopted is not None and adopted.pid == job.pid, flush=True)
    write_json(folder / "job.json", {"pid": job.pid, "start_time": start_time(job.pid),
                                     "mark": "cd" * 16})
    print("WRONG MARK", JobManager(home).adopt("live", "run", folder) is not None, flush=True)
    await jobs.shutdown(stop=False)
asyncio.run(main())
job.kill()
"""


def test_a_job_that_starts_candidates_is_still_adopted_by_a_server_that_is_not_root(tmp_path):
    """Item 1 with item 2: a job that ran a candidate is non-dumpable, so a server running as a
    normal user cannot read its /proc cwd or environment; the mark on its command line still
    tells the job the server launched from any other process (as ``nobody`` when we are root)."""
    unprivileged = pytest.importorskip("unprivileged")  # tests/unprivileged.py

    why = unprivileged.reason()
    if why:
        pytest.skip(why)
    with unprivileged.home() as home:
        (home / "driver.py").write_text(NON_DUMPABLE)
        unprivileged.give(home)
        done = subprocess.run(
            unprivileged.command([sys.executable, home / "driver.py", home]),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=str(home),
            env=unprivileged.environment(home),
        )
    assert "ADOPTED True" in done.stdout, done.stdout + done.stderr
    assert "WRONG MARK False" in done.stdout, done.stdout + done.stderr
