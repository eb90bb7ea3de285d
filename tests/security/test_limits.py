"""Issue 18, holes 7 and 9 (the sandbox's part): the child had only RLIMIT_AS and RLIMIT_CORE, and
a NaN timeout (or an ``extra_s`` of Infinity in a phase event, which the child writes and so the
candidate can forge) never expired: a looping candidate was never killed.

Now the child also has RLIMIT_FSIZE, RLIMIT_NOFILE and RLIMIT_NPROC (``parevo_lab/settings.py``),
a candidate that hits one gets a report naming it, and every deadline is a finite number."""

from __future__ import annotations

import json
import math
import os
import resource
import signal
import subprocess
import sys
import threading
import time

import pytest
import unprivileged
from conftest import KERNELS, run_cli

from parevo_lab import sandbox, settings
from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.cascade.evaluate import sandbox_job
from parevo_lab.errors import ParevoError
from parevo_lab.kernel import Kernel
from parevo_lab.task import load_task

GOOD = (KERNELS / "good.py").read_text()
FAST = dict(threads=[1], timeout_s=20, profile=False)


@pytest.fixture(scope="module")
def double():
    return load_task(KERNELS / "double_task.py")


def _with_import(code: str) -> Kernel:
    """The good kernel, after ``code`` runs when the sandbox imports the candidate."""
    return Kernel(source=code + "\n" + GOOD)


# -- deadlines: always a finite number -----------------------------------------------------------


@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 0.0])
def test_a_timeout_that_is_no_finite_number_of_seconds_is_refused(value):
    with pytest.raises(ParevoError, match="finite number of seconds above 0"):
        sandbox.Limits(timeout_s=value)
    with pytest.raises(ParevoError, match="finite number of seconds above 0"):
        sandbox.Limits(compile_timeout_s=value)
    limits = sandbox.Limits()
    limits.timeout_s = value  # set after it was made: the sandbox checks again before it starts
    with pytest.raises(ParevoError, match="finite number of seconds above 0"):
        sandbox.run({"job": "ping"}, limits)


@pytest.mark.parametrize("value", ["nan", "inf", "-Infinity"])
@pytest.mark.parametrize("command", ["check", "evolve"])
def test_a_timeout_of_nan_or_inf_on_the_command_line_is_one_line_and_exit_2(
    tmp_path, command, value
):
    """Refused when the arguments are read, before anything is compiled or recorded (evolve
    used to take it and fail at its first evaluation)."""
    if command == "check":
        args = [KERNELS / "good.py", "--no-profile", "--threads", "1", "--no-store"]
    else:
        args = ["--budget", "1", "--out", tmp_path / "run"]
    done = run_cli(command, KERNELS / "double_task.py", *args, f"--timeout={value}")
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "--timeout" in lines[0] and value in lines[0], done.stderr
    assert not (tmp_path / "run").exists()


FORGES = """
import json, sys
with open(sys.argv[2], "a") as events:  # the worker's events file: python -m ... JOB EVENTS
    events.write(json.dumps({{"type": "phase", "phase": "run", "label": "forged",
                              "extra_s": {extra}}}) + "\\n")
while True:
    pass
"""


def _worker_pids() -> list[int]:
    found = []
    for pid in sandbox.descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if b"parevo_lab.worker" in handle.read():
                    found.append(pid)
        except OSError:
            pass
    return found


def _killed_in_time(job: dict, limits, wait_s: float, message: str):
    """``sandbox.run`` of a verify job in a thread; fails with ``message`` (after killing the
    child by hand, as the old code needed) when it has not returned within ``wait_s``."""
    outcome = {}
    thread = threading.Thread(
        target=lambda: outcome.update(run=sandbox.run({**job, "job": "verify"}, limits)),
        daemon=True,
    )
    thread.start()
    thread.join(timeout=wait_s)
    alive = thread.is_alive()
    if alive:
        for pid in _worker_pids():
            os.killpg(pid, signal.SIGKILL)
        thread.join(timeout=30)
    assert not alive, message
    return outcome["run"]


@pytest.mark.parametrize("extra", ["float('inf')", "float('nan')", "1e308"])
def test_a_forged_phase_event_cannot_keep_a_looping_candidate_alive(double, extra):
    job, limits = sandbox_job(
        double, _with_import(FORGES.format(extra=extra)), CheckOptions(**FAST)
    )
    limits.timeout_s, limits.max_extra_s = 2.0, 1.0
    started = time.monotonic()
    run = _killed_in_time(job, limits, 60, "the looping candidate was never killed")
    assert run.timed_out and run.last_phase["label"] == "forged"
    assert time.monotonic() - started < 45  # startup + 2 s (+ 1 s for 1e308)
    assert run.phase_limit_s <= 3.0


KEEPS_FORGING = """
import json, sys, time
with open(sys.argv[2], "a") as events:
    while True:  # a fresh phase (each within the 1 s allowed) every half second, forever
        events.write(json.dumps({"type": "phase", "phase": "run", "label": "forged",
                                 "extra_s": 1.0}) + "\\n")
        events.flush()
        time.sleep(0.5)
"""


def test_phase_after_forged_phase_cannot_outlive_the_childs_overall_limit(double):
    """Each forged phase stays within ``max_extra_s``, and yet, one after another, they kept
    moving the deadline: the child's whole life is now bounded by ``job_timeout_s``."""
    job, limits = sandbox_job(double, _with_import(KEEPS_FORGING), CheckOptions(**FAST))
    limits.timeout_s, limits.max_extra_s, limits.job_timeout_s = 2.0, 1.0, 12.0
    run = _killed_in_time(
        job, limits, 90, "a child that kept writing phase events was never killed"
    )
    assert run.timed_out and run.job_limit_s == 12.0 and run.last_phase["label"] == "forged"
    assert 12.0 <= run.wall_s < 40
    assert "overall limit of 12 s" in run.describe_abnormal_end()


# -- file size, open files, processes ------------------------------------------------------------


def test_the_child_runs_under_every_limit_of_the_settings(double):
    report = evaluate(
        double,
        _with_import(
            "import resource\n"
            "print('LIMITS', {n: resource.getrlimit(getattr(resource, n))[0] for n in "
            "('RLIMIT_FSIZE', 'RLIMIT_NOFILE', 'RLIMIT_NPROC', 'RLIMIT_CORE', 'RLIMIT_AS')})\n"
        ),
        CheckOptions(**FAST),
    )
    assert report.verdict == "ok", report.summary
    line = next(
        ln for ln in report.sandbox["verify"]["stdout_tail"].splitlines() if ln.startswith("LIMITS")
    )
    limits = eval(line.removeprefix("LIMITS "))  # noqa: S307 - our own print of a dict of ints
    inherited = {n: resource.getrlimit(getattr(resource, n))[1] for n in limits}

    def expected(name, value):
        hard = inherited[name]
        return value if hard == resource.RLIM_INFINITY else min(value, hard)

    assert limits["RLIMIT_FSIZE"] == expected("RLIMIT_FSIZE", settings.FILE_SIZE_MB * 2**20)
    assert limits["RLIMIT_NOFILE"] == expected("RLIMIT_NOFILE", settings.OPEN_FILES)
    assert limits["RLIMIT_CORE"] == 0
    assert limits["RLIMIT_AS"] == expected("RLIMIT_AS", settings.MEMORY_MB * 2**20)
    if os.getuid() != 0:  # root is exempt from RLIMIT_NPROC: the child leaves it as it was
        assert limits["RLIMIT_NPROC"] >= settings.PROCESS_MARGIN
        assert limits["RLIMIT_NPROC"] != resource.RLIM_INFINITY


def test_a_candidate_writing_past_the_file_size_limit_is_stopped_and_the_limit_named(double):
    past = (settings.FILE_SIZE_MB + 1) * 2**20
    report = evaluate(
        double,
        _with_import(f"with open('big.bin', 'wb') as f:\n    f.seek({past})\n    f.write(b'x')\n"),
        CheckOptions(**FAST),
    )
    # Python ignores SIGXFSZ: the write fails with EFBIG (a native write would get the signal)
    assert report.verdict in ("compile_error", "runtime_error"), report.summary
    assert "File too large" in report.summary
    assert f"file size limit (RLIMIT_FSIZE, {settings.FILE_SIZE_MB} MiB)" in report.summary


def test_a_candidate_opening_too_many_files_gets_a_report_naming_the_limit(double):
    report = evaluate(
        double,
        _with_import(
            "import os\n_held = [os.open('/dev/null', os.O_RDONLY) for _ in range(30000)]\n"
        ),
        CheckOptions(**FAST),
    )
    assert report.verdict == "compile_error", report.summary  # the candidate's import raised
    assert "Too many open files" in report.summary
    assert "RLIMIT_NOFILE" in report.summary and str(settings.OPEN_FILES) in report.summary


NPROC_DRIVER = """
import json, sys
from parevo_lab import settings
settings.PROCESS_MARGIN = 64  # before the sandbox reads its defaults
from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.kernel import Kernel
from parevo_lab.task import load_task

report = evaluate(load_task(sys.argv[1]), Kernel(source=open(sys.argv[2]).read()),
                  CheckOptions(threads=[1], timeout_s=30, profile=False))
print("REPORT", json.dumps({"verdict": report.verdict, "summary": report.summary}))
"""

THREADS = """
import threading, time
_threads = []
for _ in range(400):  # a thread bomb (a fork bomb's cousin): each one counts for RLIMIT_NPROC
    _threads.append(threading.Thread(target=time.sleep, args=(20,), daemon=True))
    _threads[-1].start()
"""


def test_a_thread_bomb_stops_at_rlimit_nproc_and_the_report_names_it():
    """RLIMIT_NPROC binds only a normal user (root is exempt): as ``nobody`` when we are root."""
    why = unprivileged.reason()
    if why:
        pytest.skip(why)
    with unprivileged.home() as home:
        (home / "driver.py").write_text(NPROC_DRIVER)
        (home / "candidate.py").write_text(THREADS + "\n" + GOOD)
        (home / "task.py").write_text((KERNELS / "double_task.py").read_text())
        unprivileged.give(home)
        done = subprocess.run(
            unprivileged.command(
                [sys.executable, home / "driver.py", home / "task.py", home / "candidate.py"]
            ),
            capture_output=True,
            text=True,
            timeout=300,
            cwd=str(home),
            env=unprivileged.environment(home),
        )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("REPORT ")), None)
    assert line is not None, done.stdout + done.stderr
    report = json.loads(line.removeprefix("REPORT "))
    assert report["verdict"] == "compile_error", report  # the import raised
    assert "can't start new thread" in report["summary"]
    assert "RLIMIT_NPROC" in report["summary"]
