"""Every verdict, reached by real candidates compiled by numba in the sandbox."""

import time

import numba
import pytest

from parevo_lab import primitives as P
from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.kernel import load_kernel
from parevo_lab.task import large_size, load_task

FAST = dict(threads=[1, 2], timeout_s=10, profile=False, memory_mb=2048)


def check(kernels, candidate, task="double_task.py", **options):
    return evaluate(
        load_task(kernels / task),
        load_kernel(str(kernels / candidate)),
        CheckOptions(**{**FAST, **options}),
    )


def test_correct_kernel_is_ok_and_runs_every_case(kernels):
    report = check(kernels, "good.py")
    assert report.verdict == "ok", report.summary
    kinds = {case.kind for case in report.verify.cases}
    assert kinds == {"boundscheck", "check", "repeat", "edge", "large", "bench"}
    large = {(case.size, case.seed) for case in report.verify.cases if case.kind == "large"}
    assert large == {(large_size({"check": 200, "bench": 20_000}), seed) for seed in (1, 2)}
    assert {case.threads for case in report.verify.cases if case.kind == "check"} == {1, 2}
    assert {case.seed for case in report.verify.cases if case.kind == "check"} == {0, 1, 2}
    sizes = {case.size for case in report.verify.cases}
    assert {0, 1, 17, 200, 20_000} <= sizes
    assert report.compile.loops[0].status == "parallel"


def test_loops_in_same_file_helpers_are_reported_where_they_run(kernels):
    report = check(kernels, "helpers.py")
    assert report.verdict == "ok", report.summary
    fate = {loop.line: (loop.status, loop.detail) for loop in report.compile.loops}
    assert fate[10][0] == "parallel"  # _double_into, called by the kernel
    assert fate[16] == (
        "not_parallel",
        "in `_serial_copy`, compiled without parallel=True: the loop runs serially",
    )
    assert fate[22][0] == "not_parallel" and "never compiles" in fate[22][1]
    assert not any("no loop became parallel" in note for note in report.compile.notes)


def test_undecorated_function_is_compiled_with_parallel(kernels):
    report = check(kernels, "good.py:undecorated")
    assert report.verdict == "ok", report.summary
    assert report.compile.parallel


def test_native_infinite_loop_is_a_timeout_within_the_limit(kernels):
    start = time.monotonic()
    report = check(kernels, "hang.py", timeout_s=3)
    elapsed = time.monotonic() - start
    assert report.verdict == "timeout"
    assert "timed out after 3 s" in report.summary
    assert report.verify.failure.case is not None
    # compile (cold, up to a few seconds) + the 3 s limit + process start: never the old hang
    assert elapsed < 3 + 15


def test_out_of_bounds_write_is_a_runtime_error_with_its_line(kernels):
    report = check(kernels, "oob.py")
    assert report.verdict == "runtime_error"
    failure = report.verify.failure
    assert "out-of-bounds" in failure.message
    assert failure.site.line == 9
    assert "out[i + 1]" in failure.site.text


def test_kernel_right_only_on_small_inputs_is_wrong_at_the_large_size(kernels):
    report = check(kernels, "small_only.py")
    assert report.verdict == "wrong"
    # the serial boundscheck build runs the large inputs too, before any parallel run
    assert report.verify.failure.case.kind == "boundscheck"
    assert report.verify.failure.case.size == large_size({"check": 200, "bench": 20_000})


def test_kernel_wrong_only_above_the_large_size_is_wrong_at_the_bench_size(kernels):
    report = check(kernels, "bench_only.py")
    assert report.verdict == "wrong"
    assert report.verify.failure.case.kind == "bench"
    assert all(case.passed for case in report.verify.cases)
    # every check-size and edge case passed before the bench case caught it
    assert all(case.passed for case in report.verify.cases)


def test_kernel_that_mutates_its_input_is_wrong(kernels):
    report = check(kernels, "mutates.py")
    assert report.verdict == "wrong"
    assert "modifies its input `x`" in report.verify.failure.message


def test_segfault_in_a_parallel_thread_is_a_runtime_error(kernels):
    report = check(kernels, "segfault.py")
    assert report.verdict == "runtime_error"
    assert "SIGSEGV" in report.verify.failure.message
    # the race replay simulates thread ids and meets the wild write first: it names the line
    assert "race replay" in report.verify.failure.message
    assert report.verify.failure.site.line == 13


def test_segfault_without_the_replay_happens_in_the_parallel_run(kernels):
    report = check(kernels, "segfault.py", races=False)
    assert report.verdict == "runtime_error"
    assert "SIGSEGV" in report.verify.failure.message
    assert report.verify.failure.case.threads == 2


def test_os_exit_at_import_is_a_runtime_error(kernels):
    report = check(kernels, "exits.py")
    assert report.verdict == "runtime_error"
    assert "before finishing" in report.summary


def test_memory_bomb_is_stopped_by_the_memory_limit(kernels):
    report = check(kernels, "membomb.py", memory_mb=1024)
    assert report.verdict == "runtime_error"
    assert "out of memory" in report.verify.failure.message


def test_exception_in_kernel_is_a_runtime_error_with_its_line(kernels):
    report = check(kernels, "raises.py")
    assert report.verdict == "runtime_error"
    assert "ValueError" in report.verify.failure.message
    assert report.verify.failure.site.line == 11


def test_megabytes_of_output_keep_only_a_bounded_tail(kernels):
    report = check(kernels, "loud.py")
    assert report.verdict == "ok", report.summary
    tail = report.sandbox["verify"]["stdout_tail"]
    assert "earlier bytes dropped" in tail
    assert len(tail) < 20_000
    assert "done with" in tail


@pytest.mark.parametrize(
    "candidate, words",
    [
        ("wrong_shape.py", "expected shape (200,), got shape (199,)"),
        ("wrong_type.py", "got a float"),
        ("nan.py", "contains NaN"),
    ],
)
def test_wrong_type_shape_and_nan_outputs_are_wrong(kernels, candidate, words):
    report = check(kernels, candidate)
    assert report.verdict == "wrong"
    assert words in report.verify.failure.message


def test_typing_error_maps_to_the_candidate_line(kernels):
    report = check(kernels, "typing_error.py")
    assert report.verdict == "compile_error"
    error = report.compile.error
    assert error.kind == "typing"
    assert error.site.line == 9
    assert "no_such_attribute" in error.summary
    assert "\n" not in error.summary
    assert "Unknown attribute" in error.full_text


def test_syntax_error_in_candidate_is_a_compile_error(kernels):
    report = check(kernels, "syntax_error.py")
    assert report.verdict == "compile_error"
    assert report.compile.error.kind == "syntax"
    assert report.compile.error.site.line == 3


def test_missing_function_names_what_the_file_defines(kernels):
    report = check(kernels, "good.py:nope")
    assert report.verdict == "compile_error"
    assert (
        "kernel" in report.compile.error.summary and "undecorated" in report.compile.error.summary
    )


def test_reductions_and_safety_warning_are_reported(kernels):
    report = check(kernels, "sum_kernels.py:reduction", task="sum_task.py")
    assert report.verdict == "ok", report.summary
    assert report.compile.loops[0].reductions == ["s"]
    report = check(kernels, "sum_kernels.py:last_value", task="sum_task.py")
    categories = {w.category for w in report.compile.warnings}
    assert "NumbaParallelSafetyWarning" in categories
    warning = next(w for w in report.compile.warnings if w.category == "NumbaParallelSafetyWarning")
    assert warning.line == 17


def test_clean_kernel_reports_races_clean(kernels):
    data = check(kernels, "good.py").to_dict()
    assert data["races"]["status"] == "clean"
    assert data["races"]["inputs_checked"] == 3


def test_in_place_kernels_compare_the_arguments_after_the_call(kernels):
    assert check(kernels, "inplace_kernels.py:right", task="inplace_task.py").verdict == "ok"
    report = check(kernels, "inplace_kernels.py:forgets_first", task="inplace_task.py")
    assert report.verdict == "wrong"
    assert "argument `out` after the call" in report.verify.failure.message


def test_task_check_accepts_any_valid_answer(kernels):
    report = check(kernels, "choice_kernels.py:any_maximum", task="choice_task.py")
    assert report.verdict == "ok", report.summary
    report = check(kernels, "choice_kernels.py:first_minimum", task="choice_task.py")
    assert report.verdict == "wrong"
    assert "check failed: x[" in report.verify.failure.message


def test_the_timed_runs_are_judged_by_the_tasks_check_too(kernels):
    # the last maximum differs from the reference's first one: only `check` calls it right
    report = check(kernels, "choice_kernels.py:any_maximum", task="choice_task.py", profile=True)
    assert report.verdict == "ok", report.summary
    assert report.profile.ran and report.profile.failure is None
    assert report.profile.speedup["vs_serial"]


def test_kernel_with_the_wrong_signature_is_a_compile_error(tmp_path, kernels):
    candidate = tmp_path / "two_args.py"
    candidate.write_text(
        "import numba\n\n@numba.njit(parallel=True)\ndef kernel(x, y):\n    return x\n"
    )
    report = check(kernels, str(candidate))
    assert report.verdict == "compile_error"
    assert report.compile.error.kind == "signature"
    assert "reference(x)" in report.compile.error.summary


def test_a_read_of_memory_never_written_fails_in_the_poisoned_serial_build(kernels):
    # np.empty is often zeroed memory, so these kernels can be right by chance; the serial
    # boundscheck build fills it with NaN (floats) or a huge negative integer first.
    report = check(kernels, "uninit.py", task="sum_task.py", threads=[1])
    assert report.verdict == "wrong", report.summary
    assert report.verify.failure.case.kind == "boundscheck"
    assert "never written" in report.verify.failure.message
    report = check(kernels, "uninit.py:index_table", task="sum_task.py", threads=[1])
    assert report.verdict == "runtime_error", report.summary
    assert report.verify.failure.case.kind == "boundscheck"
    assert report.verify.failure.site.line == 24
    assert "never written" in report.verify.failure.message


@numba.njit(parallel=True)
def _parallel_helper(x):
    return x.sum()


@numba.njit
def _calls_parallel_code(x):
    return P.reduce_sum(x) + _parallel_helper(x) + _serial_helper(x)


@numba.njit
def _serial_helper(x):
    return x[0]


def test_a_kernel_without_parallel_that_calls_parallel_code_is_not_called_single_threaded():
    """An expert kernel that is a primitive call (``@numba.njit`` around ``P.list_rank``) uses
    the threads through its callees: the compile note names them instead of "one thread"."""
    from parevo_lab.cascade.compile import parallel_callees

    assert parallel_callees(_calls_parallel_code) == ["P.reduce_sum", "_parallel_helper"]
    assert parallel_callees(_serial_helper) == []
