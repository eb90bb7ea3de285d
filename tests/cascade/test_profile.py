"""Statistics of the profile stage, and the speedups kept apart."""

import pytest

from parevo_lab.cascade import profile


def test_median_interval_contains_the_median_and_narrows_with_samples():
    few = [1.0, 1.1, 0.9, 1.05, 0.95, 1.2, 0.8]
    many = few * 10
    low, high = profile.median_interval(few)
    assert low <= 1.0 <= high
    low2, high2 = profile.median_interval(many)
    assert high2 - low2 <= high - low


def test_speedup_with_an_interval_containing_one_is_no_speedup():
    same = profile.speedup([1.0, 1.02, 0.98, 1.01, 0.99], [1.0, 1.01, 0.99, 1.02, 0.98])
    assert not same.significant and same.label == "no speedup"
    faster = profile.speedup([2.0, 2.02, 1.98, 2.01, 1.99], [1.0, 1.01, 0.99, 1.02, 0.98])
    assert faster.significant and faster.value == pytest.approx(2.0, rel=0.01)
    assert faster.ci_low <= faster.value <= faster.ci_high
    slower = profile.speedup([1.0] * 5, [2.0, 2.01, 1.99, 2.0, 2.02])
    assert "slower" in slower.label


def test_noise_flag():
    assert profile.summarise([1.0, 1.0, 1.01, 0.99, 1.0]).noisy is False
    assert profile.summarise([1.0, 1.5, 0.7, 1.3, 0.8, 1.6]).noisy is True


def test_default_threads_sweep_up_to_the_cores():
    assert profile.default_threads(2) == [1, 2]
    assert profile.default_threads(6) == [1, 2, 4, 6]
    assert profile.default_threads(1) == [1]


def test_profile_stage_reports_three_speedups(kernels):
    from parevo_lab.cascade import CheckOptions, evaluate
    from parevo_lab.kernel import load_kernel
    from parevo_lab.task import load_task

    report = evaluate(
        load_task(kernels / "double_task.py"),
        load_kernel(str(kernels / "good.py")),
        CheckOptions(threads=[1, 2], budget_s=0.2),
    )
    p = report.profile
    assert p.ran and p.baseline == "numba"
    assert set(p.candidate) == {"1", "2"}
    assert p.serial is not None and p.python is not None
    # a ratio, never asserted on: a loaded machine can make the parallel kernel the slower
    assert p.speedup["vs_python"]["value"] > 0 and p.speedup["vs_python"]["label"]
    # the machine's ceiling is measured once and shown beside the speedups
    assert p.ceiling["compute_speedup"]["1"] == 1.0
    assert set(p.ceiling["bandwidth_gbs"]) == {"1", "2"}
    assert all(v > 0 for v in p.ceiling["bandwidth_gbs"].values())
    seconds = report.seconds
    assert seconds["profile"] > 0 and seconds["compile"] > 0 and seconds["startup"] > 0
    # the stages are measured apart: together they never exceed the whole
    assert (
        seconds["task_code"] + seconds["compile"] + seconds["verify"] + seconds["profile"]
        <= seconds["total"]
    )


def test_a_pure_python_reference_too_slow_to_time_costs_only_vs_python(kernels):
    from parevo_lab.cascade import CheckOptions, evaluate
    from parevo_lab.kernel import load_kernel
    from parevo_lab.task import load_task

    report = evaluate(
        load_task(kernels / "double_task.py"),
        load_kernel(str(kernels / "good.py")),
        CheckOptions(threads=[1, 2], budget_s=0.2, python_cap_s=0.001),
    )
    assert report.verdict == "ok", report.summary
    p = report.profile
    assert p.python is None and p.speedup["vs_python"] is None
    assert p.speedup["vs_serial"]["2"]["value"] > 0
    assert any("takes more than 0.001 s" in note for note in p.notes), p.notes


def test_a_busy_machine_is_said_beside_the_speedups():
    from parevo_lab.cascade.evaluate import _note_busy_machine
    from parevo_lab.results import ProfileResult

    busy = ProfileResult(ran=True)
    _note_busy_machine(busy, load_before=1e6)
    assert busy.noisy and "the machine was busy while timing" in busy.notes[0]
