"""ParEval's metrics: the unbiased estimators, checked against hand-computed values."""

import pytest

from parevo_lab import metrics


def test_pass_at_k_matches_the_codex_estimator():
    assert metrics.pass_at_k(5, 2, 1) == pytest.approx(0.4)
    # 1 - C(3,2)/C(5,2) = 1 - 3/10
    assert metrics.pass_at_k(5, 2, 2) == pytest.approx(0.7)
    assert metrics.pass_at_k(5, 2, 4) == 1.0  # every draw of 4 holds a correct one
    assert metrics.pass_at_k(5, 0, 3) == 0.0
    assert metrics.pass_at_k(0, 0, 1) == 0.0
    assert metrics.pass_at_k(2, 1, 5) == 1.0  # k above n uses every sample


def test_best_of_k_is_the_expected_maximum():
    assert metrics.best_of_k([1.0, 2.0, 3.0], 1) == pytest.approx(2.0)  # the mean
    # pairs (1,2) (1,3) (2,3): maxima 2, 3, 3
    assert metrics.best_of_k([3.0, 1.0, 2.0], 2) == pytest.approx(8 / 3)
    assert metrics.best_of_k([1.0, 2.0, 3.0], 3) == pytest.approx(3.0)
    assert metrics.best_of_k([1.0, 2.0], 7) == pytest.approx(2.0)
    assert metrics.best_of_k([], 1) is None


def _sample(verdict, speedup=None, threads=2, best=None):
    s = {"verdict": verdict, "built": verdict != "compile_error", "correct": verdict == "ok"}
    if speedup is not None:
        s.update(
            speedup_n=speedup, threads=threads, speedup_max=best or speedup, threads_max=threads
        )
    return s


def test_summary_drops_tasks_without_a_correct_sample_from_the_speedups():
    samples = {
        "a": [_sample("ok", 1.5), _sample("wrong")],
        "b": [_sample("compile_error"), _sample("race")],
        "c": [_sample("ok", 3.0, best=4.0), _sample("ok", 1.0)],
    }
    out = metrics.summarise(samples, [1, 2])
    assert out["tasks"] == 3 and out["tasks_timed"] == 2
    assert out["pass@1"] == pytest.approx((0.5 + 0 + 1) / 3)
    assert out["build@1"] == pytest.approx((1 + 0.5 + 1) / 3)
    assert out["pass@2"] == pytest.approx((1 + 0 + 1) / 3)
    assert out["speedup_n@1"] == pytest.approx((1.5 + 2.0) / 2)
    assert out["speedup_n@2"] == pytest.approx((1.5 + 3.0) / 2)
    assert out["efficiency_n@1"] == pytest.approx((0.75 + 1.0) / 2)
    assert out["speedup_max@2"] == pytest.approx((1.5 + 4.0) / 2)


def test_sample_of_reads_the_report_schema():
    report = {
        "verdict": "ok",
        "profile": {
            "baseline": "numba",
            "speedup": {
                "vs_serial": {
                    "1": {"value": 0.9, "label": "0.90x"},
                    "2": {"value": 1.3, "label": "1.30x"},
                    "4": {"value": 1.2, "label": "1.20x"},
                }
            },
        },
    }
    s = metrics.sample_of(report)
    assert s["correct"] and s["built"]
    assert (s["threads"], s["speedup_n"]) == (4, 1.2)
    assert (s["threads_max"], s["speedup_max"]) == (2, 1.3)
    racy = metrics.sample_of({**report, "verdict": "race"})
    assert racy["built"] and not racy["correct"] and "speedup_n" not in racy
    assert not metrics.sample_of({"verdict": "compile_error"})["built"]


def test_sample_at_a_target_is_measured_within_the_timed_threads_and_projected_beyond():
    report = {
        "verdict": "ok",
        "profile": {
            "speedup": {
                "vs_serial": {
                    "1": {"value": 0.9, "ci_low": 0.85},
                    "2": {"value": 1.7, "ci_low": 1.5},
                }
            }
        },
        "projection": {
            "status": "projected",
            "points": [
                {"threads": 1, "speedup": 0.9, "bound": "work"},
                {"threads": 16, "speedup": 9.5, "bound": "imbalance"},
            ],
        },
    }
    measured = metrics.sample_of(report, 1)
    assert (measured["threads"], measured["speedup_n"], measured["speedup_n_low"]) == (1, 0.9, 0.85)
    assert "projected" not in measured
    projected = metrics.sample_of(report, 16)
    assert (projected["threads"], projected["speedup_n"]) == (16, 9.5)
    assert projected["projected"] and projected["bound"] == "imbalance"
    assert projected["speedup_n_low"] is None  # a model's figure has no interval
    assert projected["speedup_max"] == 1.7  # the measured best stays measured
    # no point at the target (a replay that could not be made): the measured figure, not a guess
    unprojected = {
        **report,
        "compile": {"loops": [{"line": 3}]},
        "projection": {"status": "not_projected", "points": []},
    }
    fallback = metrics.sample_of(unprojected, 16)
    assert (fallback["threads"], fallback["speedup_n"]) == (2, 1.7)
    assert "projected" not in fallback
    # no parallel loop at all (the seed): at 16 threads as at 1
    serial = metrics.sample_of({**unprojected, "compile": {"loops": []}}, 16)
    assert (serial["threads"], serial["speedup_n"], serial["bound"]) == (16, 0.9, "serial")
    assert serial["projected"]


def test_a_speedup_counts_as_significant_only_when_its_interval_lies_above_one():
    def report(value, significant):
        point = {"value": value, "significant": significant}
        return {"verdict": "ok", "profile": {"speedup": {"vs_serial": {"2": point}}}}

    assert metrics.sample_of(report(1.4, True))["faster_significant"] is True
    assert metrics.sample_of(report(1.02, False))["faster_significant"] is False
    assert metrics.sample_of(report(0.7, True))["faster_significant"] is False  # slower
    samples = {
        "beyond noise": [metrics.sample_of(report(1.4, True))],
        "in the noise": [metrics.sample_of(report(1.02, False))],
        "half": [metrics.sample_of(report(1.4, True)), metrics.sample_of(report(1.1, False))],
        "none": [{"verdict": "race", "built": True, "correct": False}],
    }
    out = metrics.summarise(samples, [1])
    assert out["faster@1"] == pytest.approx(3 / 4)  # 1.4, 1.02 and (1.4 + 1.1) / 2 exceed 1
    assert out["faster_significant@1"] == pytest.approx((1 + 0 + 0.5 + 0) / 4)


def test_an_evolution_that_kept_its_seed_counts_as_not_faster():
    # its best candidate profiled 1.3x beyond noise, then lost the final re-timing against the
    # reference: the user is handed the serial reference, so the task is not faster
    def sample(value, significant, kept_seed):
        point = {"value": value, "significant": significant}
        report = {"verdict": "ok", "profile": {"speedup": {"vs_serial": {"2": point}}}}
        return {**metrics.sample_of(report), "kept_seed": kept_seed}

    samples = {
        "refuted": [sample(1.3, True, True)],
        "confirmed": [sample(1.3, True, False)],
        "slower, seed kept": [sample(0.6, False, True)],
    }
    out = metrics.summarise(samples, [1])
    assert out["faster@1"] == pytest.approx(1 / 3)
    assert out["faster_significant@1"] == pytest.approx(1 / 3)
    # the candidates' own figures stay what was measured (ParEval scores the samples)
    assert out["speedup_n@1"] == pytest.approx((1.3 + 1.3 + 0.6) / 3)


def test_evolved_samples_give_the_best_gain_over_the_first_correct_candidate():
    def evolved(best, first, first_ok):
        return {**_sample("ok", best), "first_ok": first_ok, "first_ok_speedup": first}

    samples = {
        "a": [evolved(2.0, 1.0, 2)],
        "b": [evolved(1.5, 1.5, 3)],
        "c": [evolved(3.0, 1.0, 4)],
        "d": [{**_sample("wrong"), "first_ok": None}],
    }
    out = metrics.summarise(samples, [1])
    assert out["first_ok_median"] == 3 and out["first_ok_found"] == 3
    assert out["best_over_first_median"] == pytest.approx(2.0)  # of 2.0, 1.0 and 3.0
