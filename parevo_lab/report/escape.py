"""One escape per output format, for every string that came from a run.

A run's strings are not ours: a task's name and path, a candidate's label, a verdict's summary (a
candidate's exception text), a race trace (the candidate's own source lines), the reason a run
stopped (an endpoint's error text), a model's name. A report puts them into Markdown (the
notebook's cells, the tables' ``.md`` files), HTML (the notebook displays), LaTeX (the tables'
``.tex`` files) and plotly text (titles, legends, hover text): each goes through the helper of its
format, so that it reads as the same text and never becomes markup.

- ``md(text)``: inline Markdown text that may begin a block (a list item, a heading, a
  paragraph). Line breaks become spaces (a run's string can neither end our line nor start a block
  of its own: a list, a heading, a setext underline, a table row); every character that is markup
  inline is backslash-escaped or written as an entity, and so is a marker that would start a block
  (``#``, ``-``, ``+``, ``=``, ``>``, ``:``, ``1.``; leading spaces are dropped).
- ``md_cell(text)``: the same for a table cell or the middle of a line (it starts no block).
  With ``code=True`` a pair of backticks marks code, as in candidates' labels.
- ``code_span(text)``, ``fence(text, info)``: code, in a span or a fenced block whose fence is
  longer than any run of backticks in it (nothing inside can close it).
- ``html(text)``: ``html.escape`` (quotes too, so it is safe in attributes).
- ``latex(text)``: LaTeX text with every special escaped (``\\ { } $ & % # _ ^ ~``, and the
  characters OT1 fonts would draw wrong: ``< > |``).
- ``terminal(text)``: what a terminal prints as text: every control character but the line break
  and the tab (an escape sequence can retitle the window, write the clipboard, hide what follows)
  is shown as ``\\xNN``; ``TerminalText`` wraps the CLI's stdout and stderr on a terminal.
- ``plotly(text)``: the pseudo-HTML of plotly's text (``<br>``, ``<b>``, ``<a href>``): ``& < >``
  as the entities plotly.js decodes, line breaks as spaces.
"""

from __future__ import annotations

import html as _html
import re

_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")

# Markdown: always escaped with a backslash (CommonMark lets any ASCII punctuation be escaped;
# JupyterLab's marked and nbconvert's mistune agree). Math too: nbconvert takes `$x$`, `\(x\)` and
# `\begin{x}` for math, but not `\$x\$`, `\{`, nor a `\(` whose backslash is escaped as well.
# `<` becomes `&lt;` (no raw HTML, no autolink); `&` becomes `&amp;` only where it could start an
# entity; `>` is markup only at the start of a block, `_` never inside a word.
_MD_ALWAYS = set("\\`*[]|~${}")
_ENTITY_START = re.compile(r"[#A-Za-z0-9]")
_ORDERED = re.compile(r"(\d{1,9})([.)])")


def _one_line(text) -> str:
    """``text`` as one line: line breaks as spaces, other control characters as U+FFFD."""
    return _CONTROLS.sub("\ufffd", _LINE_BREAKS.sub(" ", str(text)))


def md_cell(text, code: bool = False) -> str:
    """Markdown inline text (a table cell, or the middle of a line): nothing in it is markup.
    ``code``: a pair of backticks marks code (as in the labels of candidates), set as a code span
    (as text, backticks and all, when it holds a ``|``, which a table would split on)."""
    return _inline(_one_line(text), code, table=True)


def _inline(text: str, code: bool, table: bool) -> str:
    parts = text.split("`")
    if code and len(parts) > 1 and len(parts) % 2 == 1:
        spans = []
        for i, part in enumerate(parts):
            if i % 2 == 0:
                spans.append(_inline(part, False, table))
            elif table and "|" in part:  # a table splits on it, even in code: text, ticks kept
                spans.append(_inline(f"`{part}`", False, table))
            else:
                spans.append(code_span(part))
        return "".join(spans)
    out = []
    for i, ch in enumerate(text):
        if ch in _MD_ALWAYS:
            out.append("\\" + ch)
        elif ch in "()" and i and text[i - 1] == "\\":
            out.append("\\" + ch)
        elif ch == "<":
            out.append("&lt;")  # no raw HTML, no autolink
        elif ch == "&" and _ENTITY_START.match(text, i + 1):
            out.append("&amp;")  # `&lt;` stays the four characters it is, not a `<`
        elif ch == "_" and not (
            0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
        ):
            out.append("\\_")  # an underscore inside a word is never emphasis: left as it is
        else:
            out.append(ch)
    return "".join(out)


def md(text, code: bool = False) -> str:
    """Markdown text that may stand at the start of a block: ``md_cell``, and a leading ``#``,
    ``-``, ``+``, ``=``, ``>``, ``:`` or ``1.`` escaped, so that it starts no heading, list or quote
    (nbconvert's Markdown even reads ``#2`` without a space as a heading). ``code``: as for
    ``md_cell``."""
    text = _inline(_one_line(text).lstrip(" \t"), code, table=False)  # no indented code block
    if text[:1] in ("#", "-", "+", "=", ">", ":"):
        return "\\" + text
    ordered = _ORDERED.match(text)
    if ordered:
        return ordered.group(1) + "\\" + ordered.group(2) + text[ordered.end() :]
    return text


def code_span(text) -> str:
    """Inline code: delimited by more backticks than the longest run of them inside."""
    text = _one_line(text)
    ticks = "`" * (_longest_backtick_run(text) + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(text: str, info: str = "") -> str:
    """A fenced code block of ``text`` (its lines kept as they are); ``info`` names the
    language. The fence is longer than any run of backticks in ``text``, so no line closes it."""
    if "`" in info or "\n" in info:
        raise ValueError(f"a fence's info string holds no backtick or line break: {info!r}")
    ticks = "`" * max(3, _longest_backtick_run(text) + 1)
    body = _CONTROLS.sub("\ufffd", re.sub(r"\r\n?", "\n", text)).rstrip("\n")
    return f"{ticks}{info}\n{body}\n{ticks}"


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)


def html(text) -> str:
    """HTML text or attribute value."""
    return _html.escape(str(text), quote=True)


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}


def latex(text) -> str:
    """LaTeX text: every special escaped, line breaks as spaces (a blank line would end the
    paragraph inside a table cell), an ellipsis as \\ldots."""
    return (
        "".join(_LATEX_SPECIAL.get(ch, ch) for ch in _one_line(text))
        .replace("\ufffd", "?")
        .replace("…", r"\ldots{}")
    )


def plotly(text) -> str:
    """Text for plotly's titles, names, tick labels and hover text, which read a little HTML."""
    return _html.escape(_one_line(text), quote=False)


_TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal(text: str) -> str:
    """Text a terminal prints as it reads: control characters (ESC, BEL, CR, C1) as ``\\xNN``."""
    return _TERMINAL_CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class TerminalText:
    """A text stream whose writes go through ``terminal``: a run's strings (a candidate's
    exception text, an endpoint's error) printed by the CLI cannot drive the user's terminal."""

    def __init__(self, stream):
        self.raw = stream  # for a progress bar, which draws with carriage returns of its own

    def write(self, text: str) -> int:
        return self.raw.write(terminal(text))

    def __getattr__(self, name):
        return getattr(self.raw, name)
