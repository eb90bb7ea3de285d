"""What a primitive's docstring states about its cost, read for prompts and templates."""

from __future__ import annotations


def work_and_span(primitive: str) -> str:
    """``Work: ...; Span: ...`` of a primitive, read from its docstring (which every public
    primitive must state: tests/primitives/test_docs.py), each joined into one line wherever it
    wraps."""
    import inspect
    import re

    from .. import primitives

    function = getattr(primitives, primitive, None)
    doc = inspect.cleandoc(getattr(getattr(function, "py_func", function), "__doc__", None) or "")
    taken: list[str] = []
    inside = False
    for line in doc.splitlines():
        line = line.strip()
        if line.startswith(("Work:", "Span:")):
            inside = True
        elif not line or re.match(r"^\w+(, \w+)*:", line):
            inside = False  # a blank line, or the next field (Args:, x:, ...)
        if inside:
            taken.append(line)
    work, _, span = " ".join(taken).partition("Span:")

    def sentence(text: str) -> str:  # up to the first full stop that ends a sentence
        end = re.search(r"\.\s+([A-Z]|\w+(, \w+)*:)", text)
        return (text[: end.start()] if end else text).strip().rstrip(".")

    said = [sentence(work), f"Span: {sentence(span)}" if span else ""]
    return "; ".join(part for part in said if part)
