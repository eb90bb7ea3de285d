"""Notebook cells read as a person means them: which cell is the task, which function a cell's
kernel is, and the Python source to check (one reader for the panel, the magics and the server).

A cell is parsed, never matched line by line: ``def reference`` inside a string or a comment does
not make a task cell. The ParEVO magics are understood: a ``%%parevo_task [NAME]`` cell is a task
cell and a ``%%parevo_check [--function NAME] ...`` cell a kernel cell, whatever else they hold;
another ``%%`` cell magic makes a cell that is not Python. Line magics and shell escapes
(``%time``, ``!ls``) are blanked. The source handed on keeps every line where the cell has it
(the magic's line becomes a comment), so compile errors and race traces name the cell's lines.

A ``%%parevo_check`` cell's options (``--threads 1,2 --no-profile``) are read here too, with the
magic's own parser, so the panel's check of such a cell does what running the cell does, and a
mistyped option is the cell's problem, named in one line.

    cell = read_cell(source)              # kind, functions, kernel, options, problem, python
    task, kernel, note = pick(sources, active)  # the kernel cell and the nearest task above it
"""

from __future__ import annotations

import ast
import re
import shlex
from dataclasses import dataclass, field

from .errors import ParevoError

TASK_MAGIC = "%%parevo_task"
CHECK_MAGIC = "%%parevo_check"
#: The options of ``%%parevo_check`` (name -> type; ``list`` is a thread list, ``bool`` a flag).
CHECK_OPTIONS: dict[str, type] = {
    "function": str,
    "threads": list,
    "no_profile": bool,
    "timeout": float,
    "profile_budget": float,
    "budget": float,  # deprecated: --profile-budget
}
_LINE_MAGIC = re.compile(r"^(\s*)(%|!)")
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
    options: dict = field(default_factory=dict)  # its ParEVO magic's options

    def to_dict(self) -> dict:
        return dict(self.__dict__)


class OptionError(ParevoError):
    """A mistake in a magic's line (an unknown option, a missing value): one line says which."""


def words(line: str) -> list[str]:
    """A magic's line split as a shell would (quotes kept together)."""
    try:
        return shlex.split(line)
    except ValueError as exc:  # an unclosed quote
        raise OptionError(f"cannot read {line.strip()!r}: {exc}; close the quote") from None


def thread_list(text: str) -> list[int]:
    try:
        threads = [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        threads = []
    if not threads or min(threads) < 1:
        raise OptionError(f"--threads {text!r}: give thread counts like 1,2,4")
    return threads


def parse_options(items: list[str], allowed: dict[str, type]) -> tuple[dict, list[str]]:
    """``--name value`` pairs and ``--flag`` words of a magic's line; the rest are positional."""
    options: dict = {}
    rest: list[str] = []
    i = 0
    while i < len(items):
        word = items[i]
        if word.startswith("--"):
            name = word[2:].replace("-", "_")
            if name not in allowed:
                known = ", ".join("--" + k.replace("_", "-") for k in allowed)
                raise OptionError(f"unknown option {word}: the options are {known}")
            kind = allowed[name]
            if kind is bool:
                options[name] = True
                i += 1
                continue
            if i + 1 >= len(items):
                raise OptionError(f"{word} needs a value")
            value = items[i + 1]
            try:
                options[name] = thread_list(value) if name == "threads" else kind(value)
            except ValueError:
                raise OptionError(f"{word} {value!r}: give a {kind.__name__}") from None
            i += 2
        else:
            rest.append(word)
            i += 1
    return options, rest


def magic_options(magic: str, line: str) -> dict:
    """The options of a ParEVO cell magic's line, as running the cell would read them; raises
    ``OptionError`` naming the mistake."""
    items = words(line)
    if magic == TASK_MAGIC:
        if len(items) > 1 or (items and not items[0].isidentifier()):
            raise OptionError(
                f"%%parevo_task {line.strip()}: give one task name of letters, digits and "
                "underscores, e.g. %%parevo_task histogram"
            )
        return {"name": items[0]} if items else {}
    options, rest = parse_options(items, CHECK_OPTIONS)
    if rest:
        raise OptionError(f"unexpected {' '.join(rest)!r}: {magic} takes options only")
    return options


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
    options: dict = {}
    if magic:
        try:
            options = magic_options(magic, line)
        except OptionError as exc:
            kind = "task" if magic == TASK_MAGIC else "kernel"
            return Cell(index, kind, python, magic, problem=f"{magic}: {exc}; fix the first line")
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
        return Cell(index, "task", python, magic, functions, problem=problem, options=options)
    kernels = [n for n in defs if n.name not in TASK_FUNCTIONS]
    kernel = None
    if options.get("function"):
        kernel = options["function"]
    elif "kernel" in functions:
        kernel = "kernel"
    elif kernels:
        jitted = [n.name for n in kernels if _is_jitted(n)]
        kernel = jitted[0] if jitted else kernels[-1].name
    kind = "kernel" if kernel or magic == CHECK_MAGIC else "other"
    if kind == "kernel":  # not a task, as meant: a kernel cell's problems are its own
        problem = None
        if kernel and kernel not in functions:
            problem = f"{magic} --function {kernel}: the cell defines no function {kernel}"
        elif not kernel:
            problem = (
                f"{magic}: the cell defines no function; define the kernel, e.g. `def kernel(...)`"
            )
    return Cell(index, kind, python, magic, functions, kernel or None, problem, options)


def pick(sources: list[str], active: int) -> tuple[Cell | None, Cell, str | None]:
    """The active cell, the task cell it goes with and a note for the user: the task is the
    active cell itself when it is a task, else the nearest task cell above it, else (with a
    note saying to move it) the first below. The note also says which task cell was taken when
    the notebook has several."""
    cell = read_cell(sources[active], active)
    tasks = [
        c
        for i, source in enumerate(sources)
        if i != active and (c := read_cell(source, i)).kind == "task" and c.problem is None
    ]
    if cell.kind == "task":
        return cell, cell, None
    above = [t for t in tasks if t.index < active]
    if above:
        task = above[-1]
        note = None
        if len(tasks) > 1:
            note = (
                f"this notebook has {len(tasks)} task cells: cell [{active + 1}] goes with "
                f"the nearest above it, cell [{task.index + 1}]"
            )
        return task, cell, note
    if tasks:
        task = tasks[0]
        return (
            task,
            cell,
            f"the task cell [{task.index + 1}] is below this cell [{active + 1}]: it was "
            "used, but move it above the kernels it checks (a kernel goes with the nearest "
            "task cell above it)",
        )
    return None, cell, None


# What a task module holds for the verifier only: not part of the code a candidate replaces.
VERIFIER_ONLY = ("make_inputs", "check", "SIZES", "TOLERANCE", "CATEGORY")


def reference_view(source: str) -> str:
    """The part of a task that a candidate's diff is read against: its imports, constants,
    helpers and ``reference``, without ``make_inputs``, ``check`` and the verifier's settings
    (a diff against the whole module marks all of those deleted). The source itself when it
    does not parse."""
    return reference_with_lines(source)[0]


def reference_with_lines(source: str) -> tuple[str, list[int]]:
    """``reference_view(source)`` and the task file's line number of each of its lines (the
    compiled view names the reference's loops by those), from one parse."""
    rows = _reference_rows(source)
    if rows is None:
        return source, list(range(1, len(source.split("\n")) + 1))
    return "\n".join(text for _, text in rows) + "\n", [number for number, _ in rows]


def _reference_rows(source: str) -> list[tuple[int, str]] | None:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
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
    rows: list[tuple[int, str]] = []
    blanks = 0
    for i, text in enumerate(lines):
        if i in dropped:
            continue
        blanks = blanks + 1 if text == "" else 0
        if blanks <= 2:  # at most two blank lines in a row
            rows.append((i + 1, text))
    while rows and rows[0][1] == "":
        rows.pop(0)
    while rows and rows[-1][1] == "":
        rows.pop()
    return rows
