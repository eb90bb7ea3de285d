"""Notebook cells read as a person means them: which cell is the task, which function a cell's
kernel is, and the Python source to check (one reader for the panel, the magics and the server).

A cell is parsed, never matched line by line: ``def reference`` inside a string or a comment does
not make a task cell. The ParEVO magics are understood: a ``%%parevo_task [NAME]`` cell is a task
cell and a ``%%parevo_check [--function NAME] ...`` cell a kernel cell, whatever else they hold;
another ``%%`` cell magic makes a cell that is not Python. Line magics and shell escapes
(``%time``, ``!ls``) are blanked. The source handed on keeps every line where the cell has it
(the magic's line becomes a comment), so compile errors and race traces name the cell's lines.

    cell = read_cell(source)              # kind, functions, kernel, problem, python
    task, kernel = pick(sources, active)  # the kernel cell and the nearest task cell above it
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

TASK_MAGIC = "%%parevo_task"
CHECK_MAGIC = "%%parevo_check"
_LINE_MAGIC = re.compile(r"^(\s*)(%|!)")
_FUNCTION_FLAG = re.compile(r"--function[= ]\s*([A-Za-z_][A-Za-z0-9_]*)")
TASK_FUNCTIONS = ("reference", "make_inputs")


@dataclass
class Cell:
    index: int
    kind: str  # task, kernel (defines a function that is not a task's), other, empty
    python: str  # the source to check or run, line for line with the cell
    magic: str = ""  # the ParEVO cell magic on the first line, if any
    functions: list[str] = field(default_factory=list)  # top-level defs, in order
    kernel: str | None = None  # the function a check of this cell checks
    problem: str | None = None  # why this cell is not a task (or cannot be parsed)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _python(source: str) -> tuple[str, str, str]:
    """(python, magic, magic line) of a cell: its magic line commented, line magics blanked."""
    lines = source.split("\n")
    magic, line = "", ""
    first = lines[0].strip() if lines else ""
    if first.startswith("%%"):
        word, _, line = first.partition(" ")
        if word not in (TASK_MAGIC, CHECK_MAGIC):
            return "", word, line  # another cell magic: not Python
        magic = word
        lines[0] = "# " + first
    for i, text in enumerate(lines):
        found = _LINE_MAGIC.match(text)
        if found and (i > 0 or not magic):
            lines[i] = found.group(1) + "pass  # " + text.strip()
    return "\n".join(lines), magic, line


def _is_jitted(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if "jit" in name:
            return True
    return False


def _task_problem(functions: list[str]) -> str | None:
    missing = []
    if "reference" not in functions:
        missing.append("`def reference(*args)`: the sequential kernel")
    if "make_inputs" not in functions:
        missing.append("`def make_inputs(size, rng)`: returns the arguments as a tuple")
    if not missing:
        return None
    return (
        "this cell is not a task: a task cell defines "
        + " and ".join(missing)
        + ", with its own imports (e.g. `import numpy as np`)"
    )


def read_cell(source: str, index: int = 0) -> Cell:
    """What one cell is (see the module's docstring)."""
    python, magic, line = _python(source)
    if not python.strip():
        kind = "other" if magic or source.strip() else "empty"
        return Cell(index, kind, "", magic, problem="this cell holds no Python code")
    try:
        tree = ast.parse(python)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        where = f"line {exc.lineno}: " if getattr(exc, "lineno", None) else ""
        problem = f"{where}{getattr(exc, 'msg', None) or exc}"
        kind = "task" if magic == TASK_MAGIC else "kernel" if magic == CHECK_MAGIC else "other"
        return Cell(index, kind, python, magic, problem=problem)
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    functions = [n.name for n in defs]
    problem = _task_problem(functions)
    if magic == TASK_MAGIC or (problem is None and magic != CHECK_MAGIC):
        return Cell(index, "task", python, magic, functions, problem=problem)
    kernels = [n for n in defs if n.name not in TASK_FUNCTIONS]
    kernel = None
    flag = _FUNCTION_FLAG.search(line) if magic == CHECK_MAGIC else None
    if flag:
        kernel = flag.group(1)
    elif "kernel" in functions:
        kernel = "kernel"
    elif kernels:
        jitted = [n.name for n in kernels if _is_jitted(n)]
        kernel = jitted[0] if jitted else kernels[-1].name
    kind = "kernel" if kernel or magic == CHECK_MAGIC else "other"
    return Cell(index, kind, python, magic, functions, kernel or None, problem)


def pick(sources: list[str], active: int) -> tuple[Cell | None, Cell]:
    """The active cell and the task cell it goes with: the active cell itself when it is a task,
    else the nearest task cell above it (or, when none is above, the first below)."""
    cell = read_cell(sources[active], active)
    if cell.kind == "task":
        return cell, cell
    above = range(active - 1, -1, -1)
    below = range(active + 1, len(sources))
    for i in (*above, *below):
        candidate = read_cell(sources[i], i)
        if candidate.kind == "task" and candidate.problem is None:
            return candidate, cell
    return None, cell


# What a task module holds for the verifier only: not part of the code a candidate replaces.
VERIFIER_ONLY = ("make_inputs", "check", "SIZES", "TOLERANCE", "CATEGORY")


def reference_view(source: str) -> str:
    """The part of a task that a candidate's diff is read against: its imports, constants,
    helpers and ``reference``, without ``make_inputs``, ``check`` and the verifier's settings
    (a diff against the whole module marks all of those deleted). The source itself when it
    does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return source
    lines = source.split("\n")
    dropped: set[int] = set()
    for node in tree.body:
        names = []
        if isinstance(node, ast.FunctionDef):
            names = [node.name]
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        if names and all(n in VERIFIER_ONLY for n in names):
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            dropped.update(range(first - 1, node.end_lineno))
    kept = [text for i, text in enumerate(lines) if i not in dropped]
    return re.sub(r"\n{3,}", "\n\n\n", "\n".join(kept)).strip("\n") + "\n"
