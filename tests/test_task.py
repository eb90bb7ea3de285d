"""Task files are validated without running them; comparison follows DESIGN.md."""

import numpy as np
import pytest

from parevo_lab.cascade import CheckOptions, evaluate
from parevo_lab.kernel import load_kernel
from parevo_lab.task import Mismatch, TaskError, compare, load_task


@pytest.mark.parametrize(
    "name, words",
    [
        ("syntax_error.py", "line 1"),
        ("no_reference.py", "defines no `reference`"),
        ("bad_sizes.py", "SIZES['check'] must be a positive int"),
        ("missing.py", "not found"),
    ],
)
def test_invalid_task_files_are_refused_before_running(kernels, name, words):
    with pytest.raises(TaskError) as info:
        load_task(kernels / "tasks" / name)
    assert words in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "name, words",
    [
        (
            "make_inputs_raises.py",
            "make_inputs(200, rng) raised RuntimeError: the data set is missing",
        ),
        ("reference_raises.py", "the reference raised IndexError"),
    ],
)
def test_task_code_that_raises_is_a_task_error(kernels, name, words):
    task = load_task(kernels / "tasks" / name)
    task.sizes["check"] = 200
    with pytest.raises(TaskError) as info:
        evaluate(
            task, load_kernel(str(kernels / "good.py")), CheckOptions(threads=[1], profile=False)
        )
    assert words in str(info.value)


def test_reference_numba_cannot_compile_falls_back_to_python(kernels):
    task = load_task(kernels / "tasks" / "reference_python_only.py")
    report = evaluate(
        task, load_kernel(str(kernels / "good.py")), CheckOptions(threads=[1, 2], budget_s=0.2)
    )
    assert report.verdict == "ok", report.summary
    assert report.compile.reference_compiled is False
    assert "pure-Python reference is the baseline" in report.compile.reference_note
    assert report.profile.baseline == "python"
    assert report.profile.serial is None
    assert report.profile.speedup["vs_serial"]["2"]["value"] > 0


def test_default_sizes_and_name_from_folder(examples):
    task = load_task(examples / "histogram" / "task.py")
    assert task.name == "histogram"
    assert task.sizes == {"check": 1000, "bench": 2_000_000}
    assert len(task.hash) == 64


def test_compare_integers_exactly():
    compare(np.arange(5), np.arange(5), "out", 5)
    with pytest.raises(Mismatch, match="1 of 5 values differ; first at index 2: expected 2, got 7"):
        compare(np.arange(5), np.array([0, 1, 7, 3, 4]), "out", 5)


def test_compare_floats_with_a_tolerance_scaled_to_size():
    expected = np.full(10, 1e6)
    # a reordered sum of a million terms may differ in its last bits...
    compare(expected, expected * (1 + 1e-12), "out", 1_000_000)
    # ...but not in its sixth digit
    with pytest.raises(Mismatch, match="beyond tolerance"):
        compare(expected, expected * (1 + 1e-6), "out", 1_000_000)


def test_compare_names_shape_nan_and_type_problems():
    with pytest.raises(Mismatch, match="expected shape"):
        compare(np.zeros(3), np.zeros(4), "out", 3)
    with pytest.raises(Mismatch, match="contains NaN"):
        compare(np.zeros(3), np.array([0, np.nan, 0]), "out", 3)
    compare(np.array([np.nan, 1.0]), np.array([np.nan, 1.0]), "out", 2)
    with pytest.raises(Mismatch, match="expected a tuple of 2 values"):
        compare((1, 2), 3, "out", 1)
    with pytest.raises(Mismatch, match="expected an array"):
        compare(np.zeros(3), 0.0, "out", 3)
    compare((np.int64(3), np.ones(2)), (3, np.ones(2)), "out", 2)


def test_task_without_make_inputs_is_refused(tmp_path):
    path = tmp_path / "t.py"
    path.write_text("def reference(x):\n    return x\n")
    with pytest.raises(TaskError, match="defines no `make_inputs`: add `def make_inputs"):
        load_task(path)


def test_compare_infinities_equal_only_to_themselves():
    compare((np.inf, -np.inf), (np.inf, -np.inf), "out", 0)
    compare(np.array([np.inf, 1.0]), np.array([np.inf, 1.0]), "out", 2)
    with pytest.raises(Mismatch):
        compare(np.array([np.inf, 1.0]), np.array([-np.inf, 1.0]), "out", 2)


def test_fresh_copy_keeps_views_of_one_buffer_together():
    from parevo_lab.task import fresh_copy

    buffer = np.arange(10.0)
    a, b, whole, scalar = fresh_copy((buffer[0:9], buffer[1:10], buffer, 3))
    assert not np.shares_memory(a, buffer)
    a[1] = 99.0
    assert b[0] == 99.0 and whole[1] == 99.0  # still one buffer, as make_inputs built it
    assert scalar == 3
    (column,) = fresh_copy((np.arange(12).reshape(3, 4)[:, 1],))
    assert column.tolist() == [1, 5, 9]


def test_compare_floats_in_slices_finds_the_worst_value_across_slices(monkeypatch):
    import parevo_lab.task as task_module

    monkeypatch.setattr(task_module, "_CHUNK", 7)
    expected = np.linspace(0.0, 1.0, 50).reshape(5, 10)
    actual = expected.copy()
    actual[0, 3] += 0.01
    actual[4, 2] += 0.5
    with pytest.raises(Mismatch, match=r"2 of 50 values differ.*worst at index \(4, 2\)"):
        compare(expected, actual, "out", 50)
    actual = expected.copy()
    actual[3, 9] = np.nan
    actual[4, 0] = np.nan
    with pytest.raises(Mismatch, match=r"contains NaN \(2 values\).*first at index \(3, 9\)"):
        compare(expected, actual, "out", 50)
    compare(expected, expected.astype(np.float32), "out", 50)


@pytest.mark.parametrize(
    "line, words",
    [
        ('TOLERANCE = {"rtol": -1}', "TOLERANCE['rtol'] must be a non-negative number"),
        ('TOLERANCE = {"atol": float("nan")}', "TOLERANCE must be a literal dict"),
        ('TOLERANCE = {"abs": 1e-3}', "TOLERANCE must be a literal dict"),
        ("TOLERANCE = {}", "TOLERANCE must be a literal dict"),
        ('TOLERANCE = {"rtol": True}', "TOLERANCE['rtol'] must be a non-negative number"),
    ],
)
def test_a_bad_tolerance_is_one_line_naming_the_fix(tmp_path, line, words):
    path = tmp_path / "task.py"
    path.write_text(
        f"{line}\ndef make_inputs(size, rng):\n    return ()\ndef reference():\n    pass\n"
    )
    with pytest.raises(TaskError) as info:
        load_task(path)
    assert words in str(info.value)
    assert "\n" not in str(info.value)


def test_a_task_tolerance_replaces_the_scaled_default(tmp_path):
    """TOLERANCE of zeros compares floats exactly; the scaled default accepts one ulp."""
    expected = np.linspace(1.0, 2.0, 1000, dtype=np.float32)
    nudged = np.nextafter(expected, np.float32(3.0))
    compare(expected, nudged, "x", 1000)  # the default: fine
    with pytest.raises(Mismatch, match="1000 of 1000 values differ beyond tolerance"):
        compare(expected, nudged, "x", 1000, {"rtol": 0.0, "atol": 0.0})
    compare(expected, nudged, "x", 1000, {"rtol": 1e-6, "atol": 0.0})
    path = tmp_path / "task.py"
    path.write_text(
        'TOLERANCE = {"atol": 0}\ndef make_inputs(size, rng):\n    return ()\n'
        "def reference():\n    pass\n"
    )
    task = load_task(path)
    assert task.tolerance == {"rtol": 0.0, "atol": 0.0}
    assert task.describe()["tolerance"] == {"rtol": 0.0, "atol": 0.0}


def test_an_exact_task_rejects_a_kernel_one_ulp_off_in_the_sandbox(tmp_path):
    task = tmp_path / "task.py"
    task.write_text(
        "import numpy as np\n"
        'TOLERANCE = {"rtol": 0.0, "atol": 0.0}\n'
        'SIZES = {"check": 100, "bench": 1000}\n'
        "def make_inputs(size, rng):\n"
        "    return (rng.uniform(-1, 1, size).astype(np.float32),)\n"
        "def reference(x):\n"
        "    for i in range(1, x.shape[0]):\n"
        "        x[i] = min(x[i], x[i - 1])\n"
    )
    kernel = tmp_path / "kernel.py"
    kernel.write_text(
        "import numpy as np\n"
        "def kernel(x):\n"
        "    for i in range(1, x.shape[0]):\n"
        "        x[i] = min(x[i], x[i - 1])\n"
        "    if x.shape[0] > 600:\n"  # above the large inputs (562): only the bench case sees it
        "        x[-1] = np.nextafter(x[-1], np.float32(2.0))\n"
    )
    report = evaluate(load_task(task), load_kernel(str(kernel)), CheckOptions(profile=False))
    assert report.verdict == "wrong"
    assert "(size 1000, seed 0" in report.summary and "rtol 0.0e+00, atol 0.0e+00" in report.summary
