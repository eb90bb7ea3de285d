"""Mutants of a task's reference: the wrong kernels an agent could submit (``parevo audit``).

Each mutant is the task file with one small change to ``reference`` (a loop bound off by one, a
loop over half its range, a comparison or an operator swapped, an early exit removed or added, a
constant or an input returned, an accumulator started elsewhere, an index shifted, a write
dropped, a shortcut taken only above a size) and ``kernel = reference`` at its end, so that it is a
candidate file like any other: ``parevo check TASK.py MUTANT.py``. A mutant the task's
verification accepts shows an input class the task is missing. Everything here is text and AST
work in the parent: nothing is run. The public API is here; edits.py walks the reference and
makes each operator's edit.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ..errors import ParevoError
from ..task import Task
from .edits import _apply, _Maker, _one_line
from .edits import shortcut_sizes as shortcut_sizes  # public: re-exported

# operator -> (what it does, the input class a surviving mutant says is missing)
OPERATORS: dict[str, tuple[str, str]] = {
    "range_end_minus": (
        "the loop stops one iteration early",
        "no input where the loop's last iteration changes the answer (the last element)",
    ),
    "range_end_plus": (
        "the loop runs one iteration past its end",
        "one extra iteration past the end changes nothing on any input",
    ),
    "range_start_plus": (
        "the loop skips its first iteration",
        "no input where the loop's first iteration changes the answer (the first element)",
    ),
    "range_step_double": (
        "the loop takes every other iteration",
        "no input where the skipped (odd) iterations change the answer",
    ),
    "range_first_half": (
        "the loop covers only the first half of its range",
        "no input where the second half of the loop's range changes the answer "
        "(for a search: no hit in the second half)",
    ),
    "range_second_half": (
        "the loop covers only the second half of its range",
        "no input where the first half of the loop's range changes the answer "
        "(for a search: no hit in the first half)",
    ),
    "big_first_half": (
        "above the check size, the loop covers only the first half of its range",
        "the bench-size case never depends on the second half of the loop's range "
        "(or is compared too loosely to notice)",
    ),
    "big_second_half": (
        "above the check size, the loop covers only the second half of its range",
        "the bench-size case never depends on the first half of the loop's range "
        "(or is compared too loosely to notice)",
    ),
    "compare_boundary": (
        "a comparison's boundary moved (< and <=, > and >=, == and !=)",
        "no input with equal values at the comparison (ties, or a value at the boundary)",
    ),
    "xor_to_or": (
        "`a != b` became `a or b`",
        "no input where both sides hold at once (e.g. a value in both arrays)",
    ),
    "xor_to_and": (
        "`a != b` became `a and b`",
        "no input where exactly one side holds",
    ),
    "arithmetic": (
        "an arithmetic or bitwise operator swapped",
        "no input where this operation changes the answer (zeros, ones or tiny values hide it)",
    ),
    "and_or": (
        "`and` and `or` swapped",
        "no input where exactly one of the conditions holds",
    ),
    "not_removed": (
        "a `not` or a minus sign removed",
        "no input where the negated value changes the answer",
    ),
    "accumulate_to_assign": (
        "an update `x op= v` became `x = v`",
        "no input where more than one update reaches the same place",
    ),
    "exit_removed": (
        "an early exit (break, continue, return in a loop) removed",
        "no input where the loop goes on past the exit (a second hit after the first)",
    ),
    "exit_added": (
        "the loop stops at the first iteration that takes this branch",
        "no input where the branch is taken more than once (a second hit)",
    ),
    "return_constant": (
        "the kernel returns a constant at once",
        "every input has the same answer",
    ),
    "return_input": (
        "the kernel returns one of its inputs at once",
        "every input's answer equals that input",
    ),
    "size_shortcut": (
        "above a size, the kernel returns a constant at once",
        "no input above that size whose answer differs from the constant "
        "(the bench-size case, compared exactly, should catch it)",
    ),
    "init_changed": (
        "an accumulator or output starts from another value",
        "no input where the starting value matters (the first element always replaces it)",
    ),
    "index_shift": (
        "an index shifted by one",
        "no input where neighbouring elements differ here",
    ),
    "write_dropped": (
        "a write or an update dropped",
        "no input where this write changes the output (it is already equal, or never compared)",
    ),
}

FOOTER = "# --- parevo audit mutant"


class MutationError(ParevoError):
    """The reference cannot be mutated (not a def, nothing to change): the message says why."""


@dataclass
class Mutant:
    id: str  # "m007": its place in the task's list
    operator: str  # a key of OPERATORS
    line: int  # line of the change in the task file
    description: str  # one line: what changed, where
    hint: str  # the input class a surviving mutant says is missing
    source: str  # the task file, reference changed, ``kernel = reference`` at the end

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "operator": self.operator,
            "line": self.line,
            "description": self.description,
            "hint": self.hint,
        }


def mutants(task: Task, function: str = "reference") -> list[Mutant]:
    """Every mutant of ``task``'s reference, in source order, without duplicates."""
    source = task.source
    try:
        tree = ast.parse(source)
    except (SyntaxError, RecursionError, MemoryError):
        raise MutationError(f"{task.path} cannot be parsed: fix the task file first") from None
    func = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function), None
    )
    if func is None:
        raise MutationError(
            f"`{function}` in {task.path} is not a plain top-level def: the audit mutates a "
            "def's body (write the reference as `def reference(...)`)"
        )
    maker = _Maker(source, func, task.sizes)
    maker.collect()
    found, seen = [], {source}
    for edit in maker.edits:
        text = _apply(source, edit.changes)
        if text in seen:
            continue
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        seen.add(text)
        number = f"m{len(found) + 1:03d}"
        what, hint = OPERATORS[edit.operator]
        description = _one_line(f"line {edit.line}: {edit.detail or what}")
        footer = (
            f"\n\n{FOOTER} {number} ({edit.operator}) of {task.name}: {description}\n"
            f"# try it: parevo check TASK.py THIS_FILE.py\n"
            f"kernel = {function}\n"
        )
        found.append(
            Mutant(number, edit.operator, edit.line, description, hint, text.rstrip() + footer)
        )
    return found


def nothing_to_mutate(found: list[Mutant]) -> str | None:
    """A statement when the mutants say little: none at all, or only whole answers replaced
    (a reference with no loop, comparison or arithmetic: a one-liner)."""
    if not found:
        return (
            "the reference has nothing to mutate (no loop, comparison, arithmetic or returned "
            "value): the audit cannot measure this task's inputs"
        )
    structural = [m for m in found if m.operator not in ("return_constant", "return_input")]
    if not structural and not any(m.operator == "size_shortcut" for m in found):
        return (
            "the reference has no loop, comparison or arithmetic to mutate (a one-liner): only "
            "constant and input answers were tried, which says little about this task's inputs"
        )
    return None
