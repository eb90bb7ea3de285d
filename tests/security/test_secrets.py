"""Issue 18, holes 2 and 6: a candidate read the Jupyter token and the model key from its parent's
environment (the server gave every job its whole environment plus the key, and the sandbox child,
the same user, read /proc/<ppid>/environ); the configured key went to whatever endpoint a request
named.

Now a job starts from an allow-list of the server's environment, the key goes only to an llm run
of the configured endpoint, the sandbox child's environment has neither, and every process that
starts candidates is non-dumpable: a candidate of the same (non-root) user cannot read its
environ or memory. Root can read every process's: the tests of that part run as ``nobody``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time

import jupyter_process
import pytest
import unprivileged
from conftest import KERNELS, TESTS
from jupyter_process import TOKEN, JupyterServer

from parevo_lab import sandbox

pytestmark = pytest.mark.timeout(600)

SECRETS = {
    "JUPYTER_TOKEN": TOKEN,
    "PAREVO_LLM_API_KEY": "sk-parevo-from-the-environment-5c1d",
    "OPENAI_API_KEY": "sk-openai-from-the-environment-77aa",
    "AWS_SECRET_ACCESS_KEY": "aws-secret-from-the-environment-9e02",
    "GH_TOKEN": "ghp-from-the-environment-41b7",
}
CONFIGURED_KEY = "sk-parevo-configured-key-0f3e"  # c.ParevoLab.llm_api_key

TASK = (KERNELS / "scale_task.py").read_text()
GOOD = (TESTS / "kernels" / "scale_good.py").read_text()

# A candidate that reads the environment (and tries the memory) of the process that started it
# and raises with what it found there.
READS_ITS_PARENT = """
import os


def _parent():
    try:
        with open(f"/proc/{os.getppid()}/environ", "rb") as handle:
            entries = [e.decode(errors="replace") for e in handle.read().split(b"\\0") if e]
    except OSError as exc:
        return f"environ: cannot read ({type(exc).__name__})"
    names = {e.split("=", 1)[0] for e in entries}
    found = [e for e in entries if any(w in e.upper() for w in ("TOKEN", "KEY", "SECRET"))]
    try:
        open(f"/proc/{os.getppid()}/mem", "rb").close()
        memory = "mem: opened"
    except OSError as exc:
        memory = f"mem: cannot open ({type(exc).__name__})"
    return f"environ: {len(entries)} variables, PATH {'PATH' in names}, found {found}; {memory}"


raise RuntimeError("THE PARENT: " + _parent())
"""

# The same, for every process above the candidate: its parent (the job), the server above it...
READS_ITS_ANCESTORS = """
import os


def _ancestors():
    seen, pid = [], os.getppid()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                entries = [e.decode(errors="replace") for e in handle.read().split(b"\\0") if e]
            found = [e for e in entries if any(w in e.upper() for w in ("TOKEN", "KEY", "SECRET"))]
            seen.append(f"{pid}: {len(entries)} variables, found {found}")
        except OSError as exc:
            seen.append(f"{pid}: cannot read ({type(exc).__name__})")
        with open(f"/proc/{pid}/stat") as handle:
            pid = int(handle.read().rsplit(")", 1)[1].split()[1])
    return "; ".join(seen)


raise RuntimeError("THE ANCESTORS: " + _ancestors())
"""


def _leaks(text: str) -> list[str]:
    return [s for s in [*SECRETS.values(), CONFIGURED_KEY] if s in text]


# -- the environments -------------------------------------------------------------------------


def test_a_job_of_the_server_starts_from_an_allow_list():
    server = {
        **SECRETS,
        "PATH": "/usr/bin:/bin",
        "HOME": "/home/u",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": "/scratch/tmp",
        "PYTHONPATH": "/opt/lib",
        "NUMBA_CACHE_DIR": "/scratch/numba",
        "OMP_PROC_BIND": "close",
        "PAREVO_CACHE_DIR": "/scratch/parevo",
        "PAREVO_LLM_BASE_URL": "http://127.0.0.1:8000/v1",
        "OPENAI_BASE_URL": "http://127.0.0.1:8000/v1",
        "XDG_RUNTIME_DIR": "/run/user/1000",
        "JPY_SESSION_NAME": "notebook.ipynb",
        "JUPYTERHUB_API_TOKEN": "hub-token",
        "AZURE_CLIENT_SECRET": "azure",
        "MY_DATABASE_PASSWORD": "hunter2",
        "SSH_AUTH_SOCK": "/tmp/ssh-agent",
        "SOMETHING_ELSE": "x",
        "PAREVO_SERVICE_TOKEN": "parevo-named-but-a-token",
    }
    env = sandbox.job_environment(server)
    assert set(env) == {
        "PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "NUMBA_CACHE_DIR",
        "OMP_PROC_BIND", "PAREVO_CACHE_DIR", "PAREVO_LLM_BASE_URL", "OPENAI_BASE_URL",
        "XDG_RUNTIME_DIR",
    }  # fmt: skip
    assert all(env[k] == server[k] for k in env)


def test_the_sandbox_child_gets_no_key_no_proxy_no_dask_credentials(monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("HTTPS_PROXY", "http://user:password@proxy:3128")
    monkeypatch.setenv("DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY", "/run/parevo/key.pem")
    env = sandbox.clean_environment(threads=2)
    assert not set(SECRETS) & set(env)
    assert "HTTPS_PROXY" not in env and "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY" not in env
    assert not _leaks(json.dumps(env))


# -- a real server, its check, its runs ----------------------------------------------------------


def _endpoint(folder, replies):
    """The scripted chat-completions server (tests/fake_llm_server.py): (process, url, log)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "script.json").write_text(json.dumps(replies))
    port, log = folder / "port", folder / "requests.jsonl"
    process = subprocess.Popen(
        [sys.executable, str(TESTS / "fake_llm_server.py"), folder / "script.json", port, log]
    )
    deadline = time.monotonic() + 20
    while not port.exists():
        assert time.monotonic() < deadline, "the scripted server did not start"
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port.read_text()}/v1", log


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A real `jupyter server` whose environment holds the secrets, with a configured model
    endpoint (and key) and a second endpoint nobody configured."""
    folder = tmp_path_factory.mktemp("served")
    answer = {"content": f"```python\n{GOOD}```"}
    configured, configured_url, configured_log = _endpoint(folder / "configured", [answer])
    other, other_url, other_log = _endpoint(folder / "other", [answer])
    saved = {k: os.environ.get(k) for k in SECRETS}
    os.environ.update(SECRETS)
    server = JupyterServer(
        folder / "root",
        folder / "work",
        llm_base_url=configured_url,
        llm_api_key=CONFIGURED_KEY,
        llm_model="scripted",
    )
    try:
        server.start()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    yield server, (configured_url, configured_log), (other_url, other_log)
    server.stop()
    for process in (configured, other):
        process.kill()
        process.wait()


def _finished(server, kind: str, item_id: str, seconds: float = 300) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        code, data = server.call("GET", f"{kind}/{item_id}")
        assert code == 200, data
        if data["status"] not in ("queued", "running"):
            return data
        time.sleep(0.5)
    raise AssertionError(f"{kind}/{item_id} did not finish: {data['status']}")


def test_a_check_of_the_server_finds_no_secret_in_its_parents_environment(served):
    server, _, _ = served
    code, check = server.call(
        "POST",
        "checks",
        {"task": TASK, "candidate": READS_ITS_PARENT + GOOD, "profile": False, "threads": [1]},
    )
    assert code == 201, check
    done = _finished(server, "checks", check["id"])
    text = json.dumps(done)
    assert "THE PARENT: environ" in text, done["summary"]  # the candidate ran and looked
    assert not _leaks(text), done["summary"]


def _requests(log) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_the_model_key_goes_to_the_configured_endpoint_alone(served):
    server, (configured_url, configured_log), (other_url, other_log) = served
    body = {"task": TASK, "budget": 2, "generator": "llm", "threads": [1], "profile_budget": 0.05}
    for url in (configured_url, other_url):
        code, run = server.call("POST", "runs", {**body, "base_url": url})
        assert code == 201, run
        done = server.wait(run["id"], lambda r: r["status"] not in ("queued", "running"), 400)
        assert done["status"] == "finished", done
    sent_configured = _requests(configured_log)
    sent_other = _requests(other_log)
    assert sent_configured and sent_other
    assert {r["authorization"] for r in sent_configured} == {f"Bearer {CONFIGURED_KEY}"}
    assert not _leaks(json.dumps(sent_other)), "the key went to an endpoint nobody configured"
    assert "not the configured endpoint" in server.log_text()


# -- non-dumpable: what a candidate of the same (non-root) user can read of its parent -----------

CHECKS_AS_NOBODY = [
    "-m", "parevo_lab.cli", "check", "task.py", "candidate.py", "--json", "--no-profile",
    "--threads", "1", "--no-store",
]  # fmt: skip


def test_a_candidate_cannot_read_the_environment_or_memory_of_the_parevo_that_started_it():
    """`parevo check` with the secrets in its environment, and a candidate that reads its
    /proc/<ppid>/environ and mem. As ``nobody`` (root reads any process's)."""
    why = unprivileged.reason()
    if why:
        pytest.skip(why)
    with unprivileged.home() as home:
        (home / "task.py").write_text(TASK)
        (home / "candidate.py").write_text(READS_ITS_PARENT + GOOD)
        unprivileged.give(home)
        done = subprocess.run(
            unprivileged.command([sys.executable, *CHECKS_AS_NOBODY]),
            capture_output=True,
            text=True,
            timeout=300,
            cwd=str(home),
            env=unprivileged.environment(home, **SECRETS),
        )
    assert done.stdout.strip(), done.stderr
    report = json.loads(done.stdout)
    text = json.dumps(report)
    assert "THE PARENT:" in text, report["summary"]
    assert not _leaks(text), report["summary"]
    assert "environ: cannot read (PermissionError)" in report["summary"], report["summary"]


def test_an_llm_run_of_nobody_keeps_its_key_from_its_candidates(tmp_path):
    """`parevo evolve --generator llm` holds the key in its environment (as a job of the server
    does); the model answers with a candidate that reads the run's environ. As ``nobody``."""
    why = unprivileged.reason()
    if why:
        pytest.skip(why)
    answer = {"content": f"```python\n{READS_ITS_PARENT}{GOOD}```"}
    endpoint, url, log = _endpoint(tmp_path / "endpoint", [answer])
    try:
        with unprivileged.home() as home:
            (home / "task.py").write_text(TASK)
            unprivileged.give(home)
            args = [
                "-m", "parevo_lab.cli", "evolve", "task.py", "--out", "run", "--budget", "2",
                "--generator", "llm", "--base-url", url, "--model", "scripted", "--threads", "1",
                "--no-profile", "--json",
            ]  # fmt: skip
            done = subprocess.run(
                unprivileged.command([sys.executable, *args]),
                capture_output=True,
                text=True,
                timeout=400,
                cwd=str(home),
                env=unprivileged.environment(home, PAREVO_LLM_API_KEY=CONFIGURED_KEY),
            )
            with sqlite3.connect(home / "run" / "run.sqlite") as db:
                rows = [r[0] for r in db.execute("SELECT summary || report FROM evaluations")]
    finally:
        endpoint.kill()
        endpoint.wait()
    assert {r["authorization"] for r in _requests(log)} == {f"Bearer {CONFIGURED_KEY}"}
    text = "\n".join(str(r) for r in rows) + done.stdout
    assert "THE PARENT:" in text, done.stdout + done.stderr
    assert CONFIGURED_KEY not in text
    assert "environ: cannot read (PermissionError)" in text


def test_a_check_of_a_server_of_nobody_reads_no_process_above_it(tmp_path, monkeypatch):
    """A real `jupyter server` of ``nobody`` with the secrets in its environment: the check's
    candidate reads the environ of its parent (the job) and of the server above it."""
    why = unprivileged.reason()
    if why:
        pytest.skip(why)
    real = subprocess.Popen
    with unprivileged.home() as home:

        def as_nobody(args, **kwargs):  # the server's Popen (jupyter_process.py), as nobody
            kwargs["env"] = unprivileged.environment(home, **SECRETS, JUPYTER_PLATFORM_DIRS="1")
            return real(unprivileged.command(args), **kwargs)

        server = JupyterServer(home / "root", home / "work")
        monkeypatch.setattr(jupyter_process.subprocess, "Popen", as_nobody)
        try:
            server.start()
        finally:
            monkeypatch.setattr(jupyter_process.subprocess, "Popen", real)
        try:
            code, check = server.call(
                "POST",
                "checks",
                {"task": TASK, "candidate": READS_ITS_ANCESTORS + GOOD, "profile": False,
                 "threads": [1]},
            )  # fmt: skip
            assert code == 201, check
            done = _finished(server, "checks", check["id"])
        finally:
            server.stop()
    text = json.dumps(done)
    assert "THE ANCESTORS:" in text, done["summary"]
    assert not _leaks(text), done["summary"]
    # the job and the server above it: both closed (the processes above them are root's)
    ancestors = done["summary"].split("THE ANCESTORS: ", 1)[1].split("; ")
    assert len(ancestors) >= 2 and all("cannot read" in a for a in ancestors[:2]), ancestors
