"""Notebook cells are read by parsing: the task cell, the kernel's name, the ParEVO magics."""

import json

from conftest import ROOT

from parevo_lab.cells import pick, read_cell, reference_view, reference_with_lines
from parevo_lab.kernel import Kernel

TASK = """import numpy as np

def make_inputs(size, rng):
    return (rng.random(size),)

def reference(x):
    return x * 2
"""

KERNEL = """import numba
from numba import prange

def helper(x):
    return x

@numba.njit(parallel=True)
def double(x):
    out = x.copy()
    for i in prange(x.shape[0]):
        out[i] = x[i] * 2
    return out
"""


def _sources(notebook):
    cells = json.loads((ROOT / "notebooks" / notebook).read_text())["cells"]
    return [("".join(c["source"]) if c["cell_type"] == "code" else "") for c in cells]


def test_a_reference_inside_a_string_or_a_comment_is_not_a_task():
    text = '"""Write this:\n\ndef reference(x):\n    return x\n"""\n# def make_inputs(size, rng):\n'
    cell = read_cell(text)
    assert cell.kind == "other" and "defines `def reference(*args)`" in cell.problem
    assert read_cell(TASK).kind == "task" and read_cell(TASK).problem is None


def test_the_quickstarts_kernel_cell_goes_with_its_task_cell_not_the_first_cell():
    # the quickstart's first code cell holds `def reference(` in a string (the README's path)
    sources = _sources("quickstart.ipynb")
    kernel = max(i for i, s in enumerate(sources) if s.strip())  # its last code cell
    task, cell, _ = pick(sources, kernel)
    assert cell.kind == "kernel" and cell.kernel == "kernel"
    assert task is not None and 0 < task.index < kernel
    assert {"reference", "make_inputs"} <= set(task.functions)
    assert read_cell(sources[1]).kind != "task"


def test_the_nearest_task_cell_above_the_kernel_is_taken_and_the_user_told_which():
    other_task = TASK.replace("x * 2", "x * 3")
    task, cell, note = pick([TASK, KERNEL, other_task, KERNEL], 3)
    assert (task.index, cell.index) == (2, 3)
    # two task cells: the note says which one goes with the kernel (cells counted from 1)
    assert note == (
        "this notebook has 2 task cells: cell [4] goes with the nearest above it, cell [3]"
    )
    task, cell, note = pick([TASK, KERNEL], 1)
    assert task.index == 0 and note is None
    task, _, note = pick([KERNEL, TASK], 0)  # none above: the first below, and say to move it
    assert task.index == 1
    assert "task cell [2] is below this cell [1]" in note and "move it above" in note
    task, cell, note = pick([KERNEL], 0)
    assert task is None and cell.kernel == "double" and note is None


def test_a_magic_cells_options_are_read_as_running_the_cell_reads_them():
    cell = read_cell("%%parevo_check --threads 1,2 --no-profile --profile-budget 0.5\n" + KERNEL)
    assert cell.kind == "kernel" and cell.problem is None and cell.kernel == "double"
    assert cell.options == {"threads": [1, 2], "no_profile": True, "profile_budget": 0.5}
    assert read_cell("%%parevo_task double\n" + TASK).options == {"name": "double"}
    assert read_cell(KERNEL).options == {} and read_cell(KERNEL).problem is None


def test_a_magic_cell_with_bad_options_says_what_to_fix_in_one_line():
    bad = {
        "%%parevo_check --thread 1,2": "unknown option --thread: the options are --function,",
        "%%parevo_check --threads": "--threads needs a value",
        "%%parevo_check --threads 0": "--threads '0': give thread counts like 1,2,4",
        "%%parevo_check --timeout soon": "--timeout 'soon': give a float",
        "%%parevo_check extra": "unexpected 'extra': %%parevo_check takes options only",
        "%%parevo_check --function nope": "--function nope: the cell defines no function nope",
        "%%parevo_check --threads '1": "close the quote",
        "%%parevo_task two words": "give one task name of letters, digits and underscores",
    }
    for line, expected in bad.items():
        body = TASK if line.startswith("%%parevo_task") else KERNEL
        cell = read_cell(line + "\n" + body)
        assert cell.problem and expected in cell.problem, (line, cell.problem)
        assert "\n" not in cell.problem
        assert cell.kind == ("task" if "task" in line else "kernel")


def test_the_kernel_is_kernel_else_the_jitted_function_else_the_last_one():
    assert read_cell(KERNEL).kernel == "double"
    assert read_cell(KERNEL + "\ndef kernel(x):\n    return x\n").kernel == "kernel"
    assert read_cell("def a(x):\n    pass\ndef b(x):\n    pass\n").kernel == "b"
    assert read_cell("x = 1\n").kind == "other"


def test_parevo_magic_cells_are_a_task_and_a_kernel_line_for_line():
    task = read_cell("%%parevo_task double\n" + TASK)
    assert task.kind == "task" and task.problem is None and task.magic == "%%parevo_task"
    assert task.python.splitlines()[0] == "# %%parevo_task double"
    assert len(task.python.splitlines()) == len(("%%parevo_task double\n" + TASK).splitlines())
    check = read_cell("%%parevo_check --function double --threads 1,2\n" + KERNEL)
    assert check.kind == "kernel" and check.kernel == "double"
    assert Kernel(source=check.python, function=check.kernel).static_problem() is None
    # a task cell without its functions is still the task cell, with the problem named
    broken = read_cell("%%parevo_task\nimport numpy as np\n")
    assert broken.kind == "task" and "make_inputs" in broken.problem


def test_other_cell_magics_and_line_magics():
    assert read_cell("%%bash\necho hi\n").kind == "other"
    cell = read_cell("%load_ext parevo_lab\n!ls\n" + KERNEL)
    assert cell.kind == "kernel" and cell.kernel == "double"
    assert cell.python.splitlines()[:2] == ["pass  # %load_ext parevo_lab", "pass  # !ls"]
    bad = read_cell("def kernel(x:\n    pass\n")
    assert bad.kind == "other" and bad.problem.startswith("line 1:")
    assert read_cell("").kind == "empty"


def test_every_teaching_notebook_pairs_each_checked_cell_with_a_task():
    for path in sorted((ROOT / "notebooks").glob("0*.ipynb")):
        sources = _sources(path.name)
        checks = [i for i, s in enumerate(sources) if s.startswith("%%parevo_check")]
        for i in checks:
            task, cell, _ = pick(sources, i)
            assert cell.kind == "kernel" and cell.kernel and cell.problem is None, (path.name, i)
            assert task is not None and task.index < i and task.problem is None, (path.name, i)


def test_the_diff_is_read_against_the_reference_not_what_only_the_verifier_reads():
    task = 'import numpy as np\n\nSIZES = {"check": 9}\nK = 2\n\n' + TASK.split("\n", 1)[1]
    task += "\n\ndef check(inputs, expected, actual):\n    return True\n"
    view = reference_view(task)
    assert "def reference(x):" in view and "K = 2" in view and "import numpy as np" in view
    assert "make_inputs" not in view and "SIZES" not in view and "def check" not in view
    assert reference_view("def (") == "def ("  # what does not parse is shown as it is
    # each line of the view keeps the task file's number: the compiled view names the
    # reference's loops by those
    lines, (same, numbers) = task.split("\n"), reference_with_lines(task)
    assert same == view
    assert len(numbers) == len(view.rstrip("\n").split("\n"))
    assert all(lines[n - 1] == text for n, text in zip(numbers, view.split("\n"), strict=False))
    assert numbers[:3] == [1, 2, 4]  # SIZES (line 3) is left out
    assert reference_with_lines("def (") == ("def (", [1])
