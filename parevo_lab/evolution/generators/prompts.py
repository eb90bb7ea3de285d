"""Prompts for the language-model generator, and the parsing of its answers.

The prompt follows ParEVO's evolutionary coding agent (ECA): the task, the parent candidate, the
feedback of the parent's evaluation routed by failure class (a compile error with its line; a
race with both sites and iterations; a mismatching input and output; the profile of a correct
candidate beside the machine's ceiling), and a reference of ``parevo_lab.primitives``.

Two answer modes: ``full`` (one Python code block with the whole module) and ``diff`` (SEARCH /
REPLACE blocks applied to the parent, which costs fewer tokens on long kernels).
"""

from __future__ import annotations

import re

from ...primitives import templates
from ..feedback import Feedback

SYSTEM = """You are an expert in parallel programming with numba on multicore CPUs.
You turn a sequential Python kernel into a fast, correct, race-free parallel kernel.
Rules:
- Define `kernel` with exactly the reference's parameters, decorated with
  @numba.njit(parallel=True), and use numba.prange for the parallel loops.
- Return what the reference returns and modify array arguments as the reference does.
- Iterations of a prange loop run in any order on different threads: no two iterations may
  write the same element, and none may read an element another one writes. Privatise
  conflicting updates (per-thread buffers, then a merge); turn running values into blocked scans.
- Only numpy and numba (and parevo_lab.primitives) are available; no other imports.
"""

FULL = """Answer with one ```python code block holding the complete module (imports included)
and nothing after it."""

DIFF = """Answer with SEARCH/REPLACE blocks that edit the current candidate, each exactly:
<<<<<<< SEARCH
lines copied exactly from the current candidate
=======
the new lines
>>>>>>> REPLACE"""

_BLOCK = re.compile(r"```(?:python|py)?[ \t]*\n(.*?)```", re.S)
_EDIT = re.compile(r"<<<<<<< SEARCH\n(.*?)\n=======\n(.*?)\n?>>>>>>> REPLACE", re.S)


class AnswerError(Exception):
    """The model's answer holds no usable code (said in one line, fed back on retry)."""


def primitives_reference() -> str:
    """One line per public primitive: its call, the first sentence of its docstring, its work
    and span."""
    import inspect

    from ... import primitives

    lines = []
    for name in getattr(primitives, "__all__", []):
        obj = getattr(primitives, name, None)
        if obj is None or isinstance(obj, int):
            continue
        function = getattr(obj, "py_func", obj)
        try:
            signature = str(inspect.signature(function))
        except (TypeError, ValueError):
            signature = "(...)"
        paragraph = (inspect.getdoc(function) or "").strip().split("\n\n")[0]
        cost = templates.work_and_span(name)
        first = " ".join(paragraph.split())
        first = first[: first.find(". ") + 1] if ". " in first else first  # its first sentence
        lines.append(f"- {name}{signature}: {first}{f' ({cost})' if cost else ''}".rstrip(": "))
    return "\n".join(lines)


def behaviour_text(behaviour: dict | None) -> str:
    """What the probe of the reference's outputs found (cascade/behaviour.py), as advice: the
    primitive that computes the same thing, or an answer the task's check accepts."""
    said = []
    for template, match in templates.usable(behaviour):
        kind = "computes the same output" if template.exact else "gives another valid answer"
        said.append(
            f"- {template.output} ({templates.said(match['convention'])}): parevo_lab.primitives."
            f"{template.primitive} {kind} ({template.cost})"
        )
    if not said:
        return ""
    return (
        "Probed on small inputs, the reference's outputs behave like a known parallel "
        "algorithm (a candidate calling it is checked like any other):\n" + "\n".join(said)
    )


def tried_text(candidates) -> str:
    """The substitutions this run already evaluated (family ``template:<primitive>``) and how
    each ended, so that the model neither proposes one again blindly nor ignores why it failed."""
    said = []
    for c in candidates:
        if not c.family.startswith("template:") or not c.evaluated:
            continue
        if c.ok and c.speedup is not None:
            how = f"correct, {c.speedup:.2f}x the serial reference at {c.threads} threads"
            if c.speedup < 1:
                how += ": slower than serial (more work than the reference's algorithm here)"
        else:
            how = f"{c.verdict}: {c.summary}" if c.summary else str(c.verdict)
        said.append(f"- #{c.id}, parevo_lab.primitives.{c.family.split(':', 1)[1]}: {how}")
    if not said:
        return ""
    return "Substitutions by a primitive already tried in this run, and how each ended:\n" + (
        "\n".join(said)
    )


def feedback_text(feedback: Feedback) -> str:
    """The parent's evaluation, said the way each failure class needs."""
    kind = feedback.kind
    where = f" (line {feedback.line})" if feedback.line else ""
    if kind == "compile_error":
        return f"It does not compile{where}: {feedback.detail or feedback.message}"
    if kind == "race":
        return (
            f"The race detector found a data race: {feedback.detail or feedback.message}. "
            "Two iterations of a prange loop touch the same element and one of them writes it."
        )
    if kind == "wrong":
        return f"It runs but gives a wrong result{where}: {feedback.detail or feedback.message}"
    if kind == "runtime_error":
        return f"It crashes at run time{where}: {feedback.detail or feedback.message}"
    if kind == "timeout":
        return f"It was stopped for taking too long: {feedback.detail or feedback.message}"
    if feedback.speedup is not None:
        ceiling = (
            f"; a compute-bound kernel reaches {feedback.ceiling:.2f}x at {feedback.threads} "
            "threads on this machine"
            if feedback.ceiling
            else ""
        )
        return (
            f"It is correct and runs {feedback.speedup:.2f}x as fast as the serial numba "
            f"reference at {feedback.threads} threads{ceiling}. Make it faster."
        )
    return "It is correct. Make it faster."


def build_messages(
    task_source: str,
    parent_source: str,
    feedback: Feedback | None,
    mode: str,
    primitives: str,
    note: str = "",
    behaviour: str = "",
    tried: str = "",
) -> list[dict]:
    parts = [
        "The task (a Python module: `reference` is the sequential kernel, `make_inputs` builds "
        "its arguments):",
        f"```python\n{task_source.strip()}\n```",
        "The current candidate:",
        f"```python\n{parent_source.strip()}\n```",
    ]
    if feedback is not None:
        parts.append("Its evaluation: " + feedback_text(feedback))
        if feedback.compiled:
            parts.append(
                "What LLVM made of its loops (from the compiler's vectorisation remarks):\n"
                + "\n".join(f"- {line}" for line in feedback.compiled)
            )
        if feedback.scaling:
            parts.append(
                "How it would scale beyond this machine (the scaling model, from a timed "
                f"serial replay of its loops): {feedback.scaling}."
            )
    if behaviour:
        parts.append(behaviour)
    if tried:
        parts.append(tried)
    if primitives:
        parts.append(
            "Parallel building blocks you may import from parevo_lab.primitives "
            "(numba-compiled, usable inside kernels):\n" + primitives
        )
    if note:
        parts.append(note)
    parts.append(FULL if mode == "full" else DIFF)
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "\n\n".join(parts)}]


def parse_answer(answer: str, parent_source: str, mode: str) -> str:
    """The candidate module the answer describes; AnswerError when there is none."""
    if not answer or not answer.strip():
        raise AnswerError("the answer was empty")
    if mode == "diff" and "<<<<<<< SEARCH" in answer:
        return apply_edits(parent_source, answer)
    blocks = _BLOCK.findall(answer)
    code = max(blocks, key=len) if blocks else (answer if "def kernel" in answer else "")
    if not code.strip():
        raise AnswerError("the answer holds no ```python code block")
    if "def kernel" not in code:
        raise AnswerError("the code block defines no function `kernel`")
    try:
        compile(code, "<answer>", "exec")
    except SyntaxError as exc:
        raise AnswerError(f"the code has a syntax error at line {exc.lineno}: {exc.msg}") from None
    return code.rstrip() + "\n"


def apply_edits(source: str, answer: str) -> str:
    edits = _EDIT.findall(answer)
    if not edits:
        raise AnswerError("the answer has no complete SEARCH/REPLACE block")
    for search, replace in edits:
        if search not in source:
            first = search.strip().splitlines()[0] if search.strip() else ""
            raise AnswerError(f"a SEARCH block does not match the candidate: `{first[:60]}`")
        source = source.replace(search, replace, 1)
    return source
