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


def test_the_headline_splits_into_the_flags_the_code_and_the_threads(kernels):
    """A fastmath candidate: the serial reference is also timed built with fastmath, so the
    headline (vs_serial) splits into flags x code at 1 thread x threads, each with an interval;
    a candidate without flags of its own needs no second baseline."""
    from parevo_lab.cascade import CheckOptions, evaluate
    from parevo_lab.kernel import load_kernel
    from parevo_lab.report.text import render
    from parevo_lab.task import load_task

    task = load_task(kernels / "sum_task.py")
    options = CheckOptions(threads=[1, 2], budget_s=0.2, python_cap_s=0.0)
    fast = evaluate(task, load_kernel(f"{kernels / 'sum_kernels.py'}:fast_reduction"), options)
    p = fast.profile
    assert fast.verdict == "ok" and p.flags == {"fastmath": True}
    assert p.serial_same_flags is not None and p.serial is not None
    assert set(p.speedup["vs_serial_same_flags"]) == set(p.speedup["vs_serial"]) == {"1", "2"}
    # the three factors multiply to the headline (ratios of the same medians)
    codegen = p.speedup["codegen"]["value"]
    one = p.speedup["vs_serial_same_flags"]["1"]["value"]
    threads = p.speedup["self"]["2"]["value"]
    # each value is rounded to 4 decimals: on a starved machine (0.003x) that rounding is the error
    headline = p.speedup["vs_serial"]["2"]["value"]
    assert codegen * one * threads == pytest.approx(headline, rel=0.02, abs=2e-4)
    text = render(fast)
    assert "... with the candidate's flags (fastmath=True)" in text
    assert "headline: " in text and " = flags " in text and "threads (self)" in text

    plain = evaluate(task, load_kernel(f"{kernels / 'sum_kernels.py'}:reduction"), options)
    q = plain.profile
    assert q.flags == {} and q.serial_same_flags is None and q.speedup["codegen"] is None
    assert q.speedup["vs_serial_same_flags"] == q.speedup["vs_serial"]


def test_a_speedup_above_the_ceiling_is_said_with_its_likely_cause():
    from parevo_lab.cascade.events import headline_remarks
    from parevo_lab.results import ProfileResult

    def s(value):
        return {"value": value, "ci_low": value * 0.95, "ci_high": value * 1.05,
                "significant": True, "label": f"{value}x"}  # fmt: skip

    p = ProfileResult(ran=True, flags={"fastmath": True})
    p.ceiling = {"compute_speedup": {"1": 1.0, "2": 1.5}, "path": "/cache/machine-x.json"}
    p.speedup = {
        "vs_serial": {"1": s(7.2), "2": s(10.8)},
        "vs_serial_same_flags": {"1": s(1.2), "2": s(1.8)},
        "codegen": s(6.0),
        "self": {"1": s(1.0), "2": s(1.5)},
    }
    flags, above = headline_remarks(p)
    assert flags.startswith("6.00x of the headline comes from the candidate's flags")
    assert "1.80x at 2 threads (over the reference built with the same flags)" in above
    assert "above this machine's measured ceiling of 1.50x" in above
    assert "its code at 1 thread" in above and "delete /cache/machine-x.json" in above
    p.speedup["vs_serial_same_flags"]["2"] = s(1.4)  # within the ceiling: no remark
    assert len(headline_remarks(p)) == 1


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
