"""The real `parevo check` command: exit codes, the readable report, and --json."""

import json

from conftest import run_cli


def test_check_ok_prints_a_readable_report_and_exits_0(examples):
    result = run_cli(
        "check",
        examples / "csr_neighbour_sum" / "task.py",
        examples / "csr_neighbour_sum" / "kernel.py",
        "--threads",
        "1,2",
        "--budget",
        "0.2",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # the old name of --profile-budget still works, with one line saying the new one
    warned = [line for line in result.stderr.splitlines() if "deprecated" in line]
    assert len(warned) == 1 and "use --profile-budget" in warned[0]
    assert result.stdout.startswith("PASS ok")
    assert "prange at line 11: parallel" in result.stdout
    assert "vs_serial" in result.stdout and "serial numba reference" in result.stdout
    # the projection made in the profile child, read by the parent, printed as projected
    assert "projection (vs serial, static schedule, machine 'this'; projected, not measured)" in (
        result.stdout
    )
    assert " · 64: " in result.stdout and "assumed: " in result.stdout


def test_check_json_is_one_object_with_the_contract_keys(kernels):
    result = run_cli(
        "check",
        kernels / "double_task.py",
        kernels / "good.py",
        "--json",
        "--threads",
        "1,2",
        "--profile-budget",
        "0.2",
    )
    assert result.returncode == 0, result.stderr
    assert "deprecated" not in result.stderr
    report = json.loads(result.stdout)  # exactly one object: anything else fails to parse
    assert {"verdict", "compile", "verify", "races", "profile", "projection"} <= set(report)
    projection = report["projection"]
    assert projection["status"] == "projected", projection["reason"]
    assert [p["threads"] for p in projection["points"]] == [1, 2, 4, 8, 16, 32, 64]
    assert projection["kind"] == "vs_serial" and projection["loops"][0]["per_thread"]["static"]
    speedup = report["profile"]["speedup"]
    assert set(speedup) == {"vs_serial", "vs_serial_same_flags", "codegen", "self", "vs_python"}
    assert set(speedup["vs_serial"]) == {"1", "2"}
    # a kernel without numba flags of its own: its parallel gain is vs_serial itself
    assert speedup["vs_serial_same_flags"] == speedup["vs_serial"] and speedup["codegen"] is None
    assert speedup["self"]["1"]["value"] == 1.0
    for timing in report["profile"]["candidate"].values():
        assert timing["ci_low_s"] <= timing["median_s"] <= timing["ci_high_s"]
        assert len(timing["samples"]) >= 3


def test_failing_candidate_exits_1(examples):
    result = run_cli(
        "check",
        examples / "csr_neighbour_sum" / "task.py",
        examples / "csr_neighbour_sum" / "faulty.py",
        "--no-profile",
        "--json",
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["verdict"] == "wrong"


def test_invalid_task_exits_2_with_one_line(kernels):
    result = run_cli("check", kernels / "tasks" / "no_reference.py", kernels / "good.py")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "defines no `reference`" in result.stderr
    assert "Traceback" not in result.stderr


def test_task_raising_exits_2_and_json_says_why(kernels):
    result = run_cli(
        "check",
        kernels / "tasks" / "make_inputs_raises.py",
        kernels / "good.py",
        "--json",
        "--no-profile",
    )
    assert result.returncode == 2
    assert "make_inputs" in json.loads(result.stdout)["error"]
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(kernels):
    assert run_cli("check", kernels / "double_task.py").returncode == 2
    bad = run_cli("check", kernels / "double_task.py", kernels / "good.py", "--threads", "two")
    assert bad.returncode == 2 and "--threads" in bad.stderr
    missing = run_cli("check", kernels / "double_task.py", kernels / "nothing_here.py")
    assert missing.returncode == 2 and "candidate file" in missing.stderr
    assert run_cli().returncode == 2


def test_sandbox_that_cannot_start_is_an_exit_2_not_a_verdict(kernels):
    result = run_cli(
        "check", kernels / "double_task.py", kernels / "good.py", "--memory", "256", "--no-store"
    )
    assert result.returncode == 2
    assert "the sandbox could not start" in result.stderr and "--memory" in result.stderr
    assert "Traceback" not in result.stderr
