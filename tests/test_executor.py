"""The Dask backend, on a real LocalCluster of worker processes: evaluations run several at once,
profiles never share the host's cores, a killed worker's evaluation is rerun elsewhere, a candidate
that kills every worker that runs it is recorded as failed, and every report reaches the store.
(`parevo bench --executor dask` is tested in test_bench.py; the server's cluster in
server/test_handlers.py.)"""

import os
import signal
import sys
import time

import pytest
from conftest import KERNELS, process_alive, run_cli

from parevo_lab.cascade import CheckOptions
from parevo_lab.executor import ExecutorError, open_executor
from parevo_lab.kernel import Kernel, load_kernel
from parevo_lab.server.jobs import descendants
from parevo_lab.task import load_task

pytestmark = pytest.mark.timeout(300)

FAST = dict(threads=[1, 2], timeout_s=20, memory_mb=2048, budget_s=0.05)

GOOD = (KERNELS / "good.py").read_text()

# sleeps while the sandbox imports it: long enough to kill its worker in the middle
SLOW = "import time\ntime.sleep(6)\n" + GOOD

# kills the process that started its sandbox: on Dask, the worker evaluating it
KILLS_ITS_WORKER = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + GOOD


@pytest.fixture(scope="module")
def cluster():
    with open_executor("dask", workers=3) as executor:
        yield executor


@pytest.fixture(scope="module")
def double():
    return load_task(KERNELS / "double_task.py")


def overlap(a, b) -> bool:
    return a["began"] < b["ended"] and b["began"] < a["ended"]


def test_a_local_cluster_runs_the_cascade_on_several_workers_and_profiles_one_at_a_time(
    cluster, double
):
    assert cluster.slots == 3 and cluster.profilers() == 3
    candidates = [load_kernel(str(KERNELS / name)) for name in ("good.py", "oob.py")]
    candidates += [
        Kernel(source=GOOD.replace("2.0 * x[i]", f"2.0 * x[i] + 0.0 * {z}.0")) for z in range(3)
    ]  # three more correct ones, each compiled anew
    futures = [cluster.submit(double, c, CheckOptions(**FAST)) for c in candidates]
    reports = [f.result(timeout=240) for f in futures]

    assert [r.verdict for r in reports] == ["ok", "runtime_error", "ok", "ok", "ok"]
    assert reports[1].verify.failure.site.line is not None  # the same report as a local run's
    verifies = [r.sandbox["verify"] for r in reports]
    profiles = [r.sandbox["profile"] for r in reports if "profile" in r.sandbox]
    assert len(profiles) == 4 and all(p["worker"] for p in profiles)
    assert len({v["worker"] for v in verifies}) >= 2, "the evaluations ran on one worker"
    assert any(overlap(a, b) for a in verifies for b in verifies if a is not b), (
        "no two verifications overlapped: the cluster ran them one at a time"
    )
    # on one host a profile has the cores to itself: no other profile, no verification beside it
    for p in profiles:
        for other in profiles + verifies:
            if other is not p and other["host"] == p["host"]:
                assert not overlap(p, other), f"a profile shared the cores: {p} and {other}"


def test_an_evolution_on_the_cluster_records_every_evaluation_once(cluster, tmp_path):
    from parevo_lab.evolution import Budget, evolve
    from parevo_lab.store import Store

    task = load_task(KERNELS / "scale_task.py")
    options = CheckOptions(threads=[1, 2], timeout_s=20, profile=False, memory_mb=2048)
    result = evolve(
        task, budget=Budget(evaluations=4), out=tmp_path / "run", options=options, executor=cluster
    )
    assert result.evaluations == 4, result.reason
    assert result.reason == "evaluation budget spent (4)"
    assert all(m.evaluated for m in result.candidates)
    assert result.best_generated is not None
    with Store(tmp_path / "run" / "run.sqlite") as store:
        rows = store.candidates(result.run_id)
        assert len(rows) == 4 and all(row["evaluation_id"] for row in rows)
        hashes = [row["source_hash"] for row in rows]
        assert len(set(hashes)) == len(hashes), "a candidate was evaluated twice"
    workers = {m.report["sandbox"]["verify"]["worker"] for m in result.candidates if m.report}
    assert len(workers) >= 2


def test_a_worker_killed_mid_evaluation_has_it_rerun_elsewhere(cluster, double):
    client = cluster.client
    future = cluster.submit(double, Kernel(source=SLOW), CheckOptions(**FAST, profile=False))
    deadline = time.monotonic() + 60
    victim = None
    while victim is None and time.monotonic() < deadline:
        victim = next((w for w, keys in client.processing().items() if keys), None)
        time.sleep(0.1)
    assert victim is not None, "the evaluation never started on a worker"
    pid = client.run(os.getpid, workers=[victim])[victim]
    time.sleep(2)  # the sandbox child is importing the candidate now
    children = [p for p in descendants(pid) if b"parevo_lab.worker" in _cmdline(p)]
    assert children, "no sandbox child under the worker"
    os.kill(pid, signal.SIGKILL)

    report = future.result(timeout=180)
    assert report.verdict == "ok", report.summary
    assert report.sandbox["verify"]["worker"] != victim
    # the killed worker's sandbox child died with it (nobody else would enforce its deadline)
    deadline = time.monotonic() + 10
    while any(process_alive(p) for p in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(process_alive(p) for p in children), "the sandbox child outlived its worker"


def test_a_candidate_that_kills_every_worker_is_recorded_as_a_runtime_error(cluster, double):
    future = cluster.submit(
        double, Kernel(source=KILLS_ITS_WORKER), CheckOptions(**FAST, profile=False)
    )
    report = future.result(timeout=240)
    assert report.verdict == "runtime_error"
    assert "every Dask worker that ran this evaluation died" in report.summary
    # the cluster is whole again (the nannies restart their workers) and still evaluates
    deadline = time.monotonic() + 60
    while len(cluster.client.scheduler_info()["workers"]) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    again = cluster.submit(double, Kernel(source=GOOD), CheckOptions(**FAST, profile=False))
    assert again.result(timeout=120).verdict == "ok"


def test_a_cluster_without_the_profile_resource_says_how_to_start_its_workers(double):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as bare:
        with open_executor(bare.scheduler_address) as executor:
            with pytest.raises(ExecutorError, match="--resources profile=1"):
                executor.submit(double, Kernel(source=GOOD), CheckOptions(**FAST))
            # without a profile it needs no such worker
            report = executor.submit(
                double, Kernel(source=GOOD), CheckOptions(**FAST, profile=False)
            ).result(timeout=120)
            assert report.verdict == "ok"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--executor", "spark"], "is not local, dask or a scheduler address"),
        (["--workers", "2"], "--workers needs --executor dask"),
        (["--executor", "tcp://127.0.0.1:9", "--workers", "2"], "keeps its own workers"),
        (["--executor", "tcp://127.0.0.1:9"], "no Dask scheduler answered at tcp://127.0.0.1:9"),
    ],
)
def test_a_bad_executor_is_one_line_and_exit_2(tmp_path, args, message):
    done = run_cli("evolve", KERNELS / "scale_task.py", "--out", tmp_path / "run", *args)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert not (tmp_path / "run").exists(), "a run began before the executor was there"


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-x", "-v"]))


def test_a_re_timing_runs_where_profiles_run(cluster, double):
    """``retime``: a candidate against the best, interleaved, on a worker with the ``profile``
    resource (cascade/duel.py), waited for."""
    good = load_kernel(str(KERNELS / "good.py"))
    result = cluster.retime(double, good, good, CheckOptions(**FAST), 0.2)
    assert result["error"] is None, result
    assert result["rounds"] >= 8 and result["threads"] == 2
    assert 0 < result["low"] <= result["ratio"] <= result["high"]  # the figures: not asserted on
