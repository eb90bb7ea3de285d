"""The sandbox itself: process group, secrets, limits."""

from parevo_lab import sandbox


def test_environment_drops_secrets_and_caps_threads(monkeypatch):
    monkeypatch.setenv("JUPYTER_TOKEN", "abc")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-123")
    monkeypatch.setenv("MY_SERVICE_PASSWORD", "hunter2")
    monkeypatch.setenv("JPY_SESSION_NAME", "x")
    monkeypatch.setenv("HARMLESS_SETTING", "kept")
    env = sandbox.clean_environment(threads=3)
    assert not {"JUPYTER_TOKEN", "OPENAI_API_KEY", "MY_SERVICE_PASSWORD", "JPY_SESSION_NAME"} & set(
        env
    )
    assert env["HARMLESS_SETTING"] == "kept"
    assert env["NUMBA_NUM_THREADS"] == "3"
    assert env["OPENBLAS_NUM_THREADS"] == env["OMP_NUM_THREADS"] == "1"


def test_child_never_sees_the_secrets(tmp_path, monkeypatch, kernels):
    """A candidate that reads its environment at import finds no token."""
    from parevo_lab.cascade import CheckOptions, evaluate
    from parevo_lab.kernel import Kernel
    from parevo_lab.task import load_task

    monkeypatch.setenv("JUPYTER_TOKEN", "very-secret-token")
    source = (kernels / "good.py").read_text() + (
        "\nimport os\nprint('ENV', sorted(k for k in os.environ if 'TOKEN' in k),"
        " os.environ.get('NUMBA_NUM_THREADS'))\n"
    )
    report = evaluate(
        load_task(kernels / "double_task.py"),
        Kernel(source=source),
        CheckOptions(threads=[1, 2], profile=False),
    )
    assert report.verdict == "ok"
    assert "ENV [] 2" in report.sandbox["verify"]["stdout_tail"]
    assert "very-secret-token" not in str(report.to_dict())


def test_grandchildren_die_with_the_group(tmp_path, monkeypatch, kernels):
    """A candidate that starts a sleeper and hangs at import: the timeout kills both."""
    from parevo_lab.cascade import CheckOptions, evaluate
    from parevo_lab.kernel import load_kernel
    from parevo_lab.task import load_task

    marker = tmp_path / "pid"
    monkeypatch.setenv("PAREVO_TEST_PIDFILE", str(marker))
    report = evaluate(
        load_task(kernels / "double_task.py"),
        load_kernel(str(kernels / "forks.py")),
        CheckOptions(threads=[1], timeout_s=2, profile=False),
    )
    assert report.verdict == "timeout"
    assert "importing the candidate" in report.summary
    pid = int(marker.read_text())
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().split()[2]
    except FileNotFoundError:
        state = "gone"
    assert state in ("gone", "Z")  # killed (a zombie until init reaps it)


def test_a_child_that_ended_before_any_phase_has_no_phase_seconds_and_no_error():
    from parevo_lab.sandbox import SandboxRun

    run = SandboxRun(events=[], returncode=1, wall_s=0.06, spawned_at=100.0)
    assert run.phase_seconds() == {}
    ready = SandboxRun(events=[{"type": "ready", "t": 100.5}], wall_s=1.0, spawned_at=100.0)
    assert ready.phase_seconds() == {"startup": 0.5}
