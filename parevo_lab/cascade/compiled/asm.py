"""One function of an assembly listing: its instructions with the source line of their ``.loc``,
and its innermost loops (a label and a later jump back to it)."""

from __future__ import annotations

import re

OFFSET = 100_000  # the analysis build's line numbers: the candidate's line n is OFFSET + n


def user_line(line: int | None) -> int | None:
    """A line of the analysis build as the candidate's line (None: numba's own code)."""
    return line - OFFSET if line is not None and line > OFFSET else None


_ASM_LOC = re.compile(r"^\s*\.loc\s+\d+\s+(\d+)\s+\d+")
_ASM_LABEL = re.compile(r"^(\.?[\w.$]+):")
_ASM_JUMP = re.compile(r"^\s+j\w*\s+(\.?[\w.$]+)")
PACKED = re.compile(r"\b(v\w+p[sd]|vp\w+|\w+p[sd])\b.*%[xyz]mm|gather|scatter")


def assembly(asm: str, symbol: str) -> list[tuple[str, int | None]]:
    """The instructions and labels of one function of an assembly listing, each with the
    candidate's source line its ``.loc`` gives (None: numba's code around the loop)."""
    lines, inside, current = [], False, None
    for raw in asm.splitlines():
        if not inside:
            inside = raw.startswith(f"{symbol}:")
            continue
        if raw.startswith(".Lfunc_end"):
            break
        loc = _ASM_LOC.match(raw)
        if loc:
            current = user_line(int(loc.group(1)))
            continue
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", ".cfi", ".p2align")):
            continue
        if stripped.startswith(".") and not _ASM_LABEL.match(raw):
            continue  # directives
        text = raw.split("#")[0].rstrip().replace("\t", " ").strip()
        if _ASM_LABEL.match(raw) and not raw.startswith(".Ltmp"):
            lines.append((text, None))
        elif not raw.startswith(".Ltmp"):
            lines.append(("  " + text, current))
    return lines


def asm_loops(lines: list[tuple[str, int | None]]) -> list[tuple[int, int]]:
    """Innermost loops of a listing: a label and a later jump back to it."""
    labels = {}
    spans = []
    for index, (text, _) in enumerate(lines):
        label = _ASM_LABEL.match(text)
        if label:
            labels[label.group(1)] = index
        jump = _ASM_JUMP.match(text)
        if jump and jump.group(1) in labels:
            spans.append((labels[jump.group(1)], index))
    return [
        (a, b)
        for a, b in spans
        if not any((c, d) != (a, b) and a <= c and d <= b for c, d in spans)
    ]
