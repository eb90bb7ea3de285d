"""Fault injection with real processes: what a candidate can do to its sandbox, what a machine
can do to a run (kill -9 of the Jupyter server, of the run, a full disk under the store), and
that every fault ends as a verdict or a clear error, with nothing recorded lost or repeated.

The faults tested elsewhere: a native hang, a segfault, a memory bomb, os._exit, megabytes of
output (cascade/test_verdicts.py); grandchildren in the process group (test_sandbox.py); kill -9 of
`parevo evolve` and a resume (evolution/test_engine.py); a Dask worker killed mid-evaluation
(test_executor.py); four runs at once under the concurrency cap (server/test_handlers.py).
"""

import json
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import KERNELS, process_alive
from jupyter_process import JupyterServer

from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.kernel import Kernel
from parevo_lab.task import load_task

pytestmark = pytest.mark.timeout(300)

FAST = dict(threads=[1, 2], timeout_s=20, profile=False, memory_mb=2048)
GOOD = (KERNELS / "good.py").read_text()
TASK = (KERNELS / "scale_task.py").read_text()


@pytest.fixture(scope="module")
def double():
    return load_task(KERNELS / "double_task.py")


# -- what a candidate does to its sandbox -----------------------------------------------------


def test_gigabytes_on_stdout_keep_a_bounded_tail_and_the_verdict(double):
    loud = (
        "import os\nchunk = b'y' * (1 << 20) + b'\\n'\n"
        "for _ in range(2048):\n    os.write(1, chunk)\n" + GOOD
    )
    report = evaluate(double, Kernel(source=loud), CheckOptions(**FAST))
    assert report.verdict == "ok", report.summary
    tail = report.sandbox["verify"]["stdout_tail"]
    dropped = int(re.search(r"\[\.\.\. (\d+) earlier bytes dropped", tail).group(1))
    assert dropped > 2 * 1024**3 - 20_000  # 2 GiB went through, 16 KiB were kept
    assert len(tail) < 20_000


@pytest.mark.parametrize(
    "vandalism",
    [
        "for name in os.listdir('.'):\n    os.remove(name)\n",  # job.json, events.jsonl
        "shutil.rmtree(os.getcwd())\n",  # the whole working folder
    ],
)
def test_a_candidate_that_deletes_its_working_folder_still_gets_its_verdict(double, vandalism):
    for body, verdict in ((GOOD, "ok"), ((KERNELS / "oob.py").read_text(), "runtime_error")):
        source = "import os, shutil\n" + vandalism + body
        report = evaluate(double, Kernel(source=source), CheckOptions(**FAST))
        assert report.verdict == verdict, report.summary
        # what the child recorded arrived: the passing cases, or the failure and its line
        prefix = ("import os, shutil\n" + vandalism).count("\n")
        assert report.verify.cases or report.verify.failure.site.line == 9 + prefix


ORPHAN = """import os, subprocess, sys
# a child that starts a grandchild in a session of its own and exits at once: the grandchild
# is an orphan outside the sandbox's process group
subprocess.run([sys.executable, "-c", '''
import os, subprocess, sys
subprocess.Popen([sys.executable, "-c", "import os, time; os.setsid(); "
                  "open(os.environ['PAREVO_TEST_PIDFILE'], 'w').write(str(os.getpid())); "
                  "time.sleep(600)"])
'''])
import time
while not os.path.exists(os.environ['PAREVO_TEST_PIDFILE']):
    time.sleep(0.05)
"""


@pytest.mark.parametrize("ending", ["finishes", "hangs"])
def test_an_orphan_that_left_the_process_group_dies_with_the_job(
    double, tmp_path, monkeypatch, ending
):
    pidfile = tmp_path / "orphan.pid"
    monkeypatch.setenv("PAREVO_TEST_PIDFILE", str(pidfile))
    source = ORPHAN + ("time.sleep(600)\n" if ending == "hangs" else "") + GOOD
    options = CheckOptions(**{**FAST, "timeout_s": 5})
    report = evaluate(double, Kernel(source=source), options)
    assert report.verdict == ("ok" if ending == "finishes" else "timeout"), report.summary
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(pid), "the orphan outlived the evaluation"


# -- a full disk under the store ------------------------------------------------------------------


def _limit_file_size(limit: int):
    def apply():  # in the child, before exec: writes past `limit` bytes fail with EFBIG
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_under_the_store_is_one_clear_line_and_loses_nothing(tmp_path):
    task = tmp_path / "scale.py"
    task.write_text(TASK)
    out = tmp_path / "run"
    args = [sys.executable, "-m", "parevo_lab.cli", "evolve", task, "--out", out, "--budget", "8"]
    args += ["--threads", "1,2", "--no-profile", "--timeout", "20"]
    full = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_limit_file_size(320 * 1024),  # a few evaluations fit (each report ~17 KB)
    )
    assert full.returncode == 2, full.stderr
    lines = full.stderr.strip().splitlines()
    assert re.search(r"^parevo: error: cannot write the store .*run\.sqlite: ", lines[-1])
    assert "free space on its disk" in lines[-1] and "recorded before is kept" in lines[-1]
    assert "Traceback" not in full.stderr

    # what was committed before the disk filled is intact, and a resume finishes the run
    database = out / "run.sqlite"
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        before = dict(db.execute("SELECT id, evaluation_id FROM candidates WHERE evaluation_id"))
    assert before, "nothing was recorded before the disk filled"
    resumed = subprocess.run([*args, "--resume"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode in (0, 1), resumed.stderr
    with sqlite3.connect(database) as db:
        after = dict(db.execute("SELECT id, evaluation_id FROM candidates WHERE evaluation_id"))
        evaluations = db.execute("SELECT COUNT(*) FROM evaluations").fetchone()[0]
    assert {k: after[k] for k in before} == before, "a recorded evaluation was repeated"
    assert evaluations == len(after) > len(before)


# -- kill -9 of the Jupyter server mid-run ----------------------------------------------------


def _evaluated(run: dict) -> dict[int, str]:
    return {c["id"]: c["verdict"] for c in run["candidates"] if c["state"] == "evaluated"}


def _evaluations_in(folder) -> tuple[int, int]:
    """(evaluation rows, distinct candidates evaluated) in a run's store."""
    with sqlite3.connect(folder / "run.sqlite") as db:
        rows = db.execute("SELECT COUNT(*), COUNT(DISTINCT source_hash) FROM evaluations")
        return rows.fetchone()


@pytest.mark.parametrize("also_the_run", [False, True])
def test_kill_9_of_the_jupyter_server_mid_run_loses_and_repeats_nothing(tmp_path, also_the_run):
    work = tmp_path / "work"
    first = JupyterServer(tmp_path / "root", work).start()
    try:
        code, run = first.call("POST", "runs", {"task": TASK, "budget": 6, "threads": [1, 2]})
        assert code == 201, run
        run = first.wait(run["id"], lambda r: len(_evaluated(r)) >= 2)
        folder = work / "runs" / run["id"]
        job = json.loads((folder / "job.json").read_text())
        first.kill9()
        if also_the_run:  # the machine went down: the run's process group dies too
            os.killpg(job["pid"], signal.SIGKILL)
        seen = _evaluated(run)
    finally:
        if first.proc.poll() is None:
            first.kill9()

    second = JupyterServer(tmp_path / "root", work).start()
    try:
        now = second.run(run["id"])
        if also_the_run:
            assert now["status"] == "interrupted" and now["resumable"], now
            code, answer = second.call("POST", f"runs/{run['id']}/resume")
            assert code == 200, answer
        else:
            assert now["status"] == "running", now  # adopted: its process outlived the server
            assert process_alive(job["pid"])
        done = second.wait(run["id"], lambda r: r["status"] == "finished")
    finally:
        second.stop()
    final = _evaluated(done)
    assert len(final) > len(seen), "the run did not go on after the kill"
    assert done["evaluations"] == len(final) and all(
        c["state"] == "evaluated" for c in done["candidates"]
    )
    assert {k: final[k] for k in seen} == seen, "an evaluation recorded before the kill changed"
    rows, distinct = _evaluations_in(folder)
    assert rows == distinct == len(final), f"{rows} evaluations of {distinct} candidates"
