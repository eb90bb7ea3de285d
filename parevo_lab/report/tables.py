"""Tables as CSV, Markdown and LaTeX (booktabs), from one list of rows and one list of columns.

A column is (key, heading, format): ``format`` turns a cell's value into text (None prints "-").
The same columns make all three files, so the paper's table and the CSV never disagree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from . import escape

Column = tuple[str, str, Callable[[Any], str]]


def text(value: Any) -> str:
    return "-" if value is None else str(value)


def ratio(value: Any) -> str:
    """A speedup: 2 decimals and an x."""
    return "-" if value is None else f"{value:.2f}x"


def fraction(value: Any) -> str:
    """A rate in [0, 1] (pass@k): 3 decimals."""
    return "-" if value is None else f"{value:.3f}"


def _cells(rows: list[dict], columns: list[Column]) -> list[list[str]]:
    return [[fmt(row.get(key)) for key, _, fmt in columns] for row in rows]


def to_csv(rows: list[dict], columns: list[Column]) -> str:
    """CSV with raw values (numbers unformatted, so a spreadsheet can compute with them)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([key for key, _, _ in columns])
    for row in rows:
        writer.writerow(["" if row.get(key) is None else row.get(key) for key, _, _ in columns])
    return out.getvalue()


def to_markdown(rows: list[dict], columns: list[Column]) -> str:
    """A GFM table; every cell escaped (``escape.md_cell``: no markup, no line break, ``|``)."""
    lines = ["| " + " | ".join(escape.md_cell(h) for _, h, _ in columns) + " |"]
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    lines += [
        "| " + " | ".join(escape.md_cell(c, code=True) for c in cells) + " |"
        for cells in _cells(rows, columns)
    ]
    return "\n".join(lines) + "\n"


def latex_escape(cell: str) -> str:
    """LaTeX text (``escape.latex``: every special escaped), `code` spans as \\texttt."""
    parts = str(cell).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no code spans
        parts = [str(cell).replace("`", "'")]
    out = []
    for i, part in enumerate(parts):
        text = escape.latex(part)
        out.append(rf"\texttt{{{text}}}" if i % 2 else text)
    return "".join(out)


def to_latex(rows: list[dict], columns: list[Column], caption: str = "", label: str = "") -> str:
    """A booktabs table (\\usepackage{booktabs}); text columns left, the others right-aligned."""
    cells = _cells(rows, columns)
    numeric = [
        all(_looks_numeric(row[i]) for row in cells) and bool(cells) for i in range(len(columns))
    ]
    spec = "".join("r" if num else "l" for num in numeric)
    lines = [r"\begin{table}[t]", r"\centering"]
    if caption:
        lines.append(rf"\caption{{{latex_escape(caption)}}}")
    if label:
        lines.append(rf"\label{{{label}}}")
    lines += [rf"\begin{{tabular}}{{{spec}}}", r"\toprule"]
    lines.append(" & ".join(latex_escape(h) for _, h, _ in columns) + r" \\")
    lines.append(r"\midrule")
    lines += [" & ".join(latex_escape(c) for c in row) + r" \\" for row in cells]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _looks_numeric(cell: str) -> bool:
    stripped = cell.rstrip("x%")
    if stripped == "-":
        return True
    try:
        float(stripped)
    except ValueError:
        return False
    return True
