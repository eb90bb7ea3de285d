"""Reports cannot run script (issue 18, item 3).

A real run whose strings carry markup: the task's folder is named with an ``<img onerror>``, a
candidate added by hand raises an exception whose message holds HTML, Markdown, math and a line
``- #2 ...``, another races on a line whose comment holds a ``<script>`` and a fence, the model's
name is an ``<img>`` and the (real, scripted) model endpoint fails with a ``<script>`` in its error
text. ``parevo report --html --figures`` must show all of it as text: no element or ``on*``
attribute in the HTML page, the Markdown or the notebook displays comes from a run's string, a
``- #2 ...`` line stays a list item, the LaTeX table escapes every special, and the page still
shows the figures nbconvert draws.
"""

import json
import re
import subprocess
import sys
import time
from html.parser import HTMLParser

import mistune
import nbformat
import pytest
from conftest import TESTS, run_cli
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from parevo_lab.report import escape, tables
from parevo_lab.report import run as run_report
from parevo_lab.report.display import report_html
from parevo_lab.report.notebook import PLOTLY_MIME
from parevo_lab.report.style import ExportError, chromium_path
from parevo_lab.results import Report, from_dict

TASK_DIR = "t<img src=x onerror=alert(1)>"
RAISING = r"r<img src=x onerror=alert(2)>\input{x}$m$%#_^~&.py"
EXCEPTION = (
    "<img onerror=alert(document.domain) src=x> <script>alert(3)</script> *b* `t` $x$ "
    "[l](javascript:alert(4))\\n- #2 heading\\n---"
)
MODEL = "<img src=x onerror=alert(6)>"
ENDPOINT_ERROR = "<script>alert(7)</script> upstream *down*\n- #9 x"

TASK = '''
"""Counts of small keys."""

import numpy as np

SIZES = {"check": 300, "bench": 20_000}


def make_inputs(size, rng):
    return (rng.integers(0, 16, size).astype(np.int64),)


def reference(keys):
    counts = np.zeros(16, np.int64)
    for i in range(keys.shape[0]):
        counts[keys[i]] += 1
    return counts
'''

RAISES = f'''
import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(keys):
    counts = np.zeros(16, np.int64)
    for i in numba.prange(keys.shape[0]):
        if keys[i] >= 0:
            raise ValueError("{EXCEPTION}")
        counts[keys[i]] += 1
    return counts
'''

RACY = """
import numba
import numpy as np


@numba.njit(parallel=True)
def kernel(keys):
    counts = np.zeros(16, np.int64)
    for i in numba.prange(keys.shape[0]):
        counts[keys[i]] += 1  # ``` <script>alert(5)</script>
    return counts
"""


def _endpoint(folder, replies):
    """The scripted OpenAI-compatible server of tests/fake_llm_server.py, in its own process."""
    script = folder / "script.json"
    script.write_text(json.dumps(replies))
    port = folder / "port"
    process = subprocess.Popen(
        [sys.executable, str(TESTS / "fake_llm_server.py"), str(script), str(port), "/dev/null"]
    )
    deadline = time.monotonic() + 20
    while not port.exists() or not port.read_text():
        assert time.monotonic() < deadline, "the scripted server did not start"
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port.read_text()}/v1"


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A real `parevo evolve --generator llm` run: the seed, the two candidates added by hand
    (one raises, one races), then the model endpoint fails and the run stops with its error."""
    root = tmp_path_factory.mktemp("xss")
    task = root / TASK_DIR / "task.py"
    task.parent.mkdir()
    task.write_text(TASK)
    (root / RAISING).write_text(RAISES)
    (root / "racy.py").write_text(RACY)
    process, url = _endpoint(root, [{"status": 500, "body": ENDPOINT_ERROR}])
    out = root / "run"
    try:
        result = run_cli(
            "evolve",
            task,
            "--generator",
            "llm",
            "--base-url",
            url,
            "--model",
            MODEL,
            "--budget",
            "5",
            "--profile-budget",
            "0.1",
            "--threads",
            "1,2",
            "--add",
            root / RAISING,
            "--add",
            root / "racy.py",
            "--out",
            out,
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert (out / "run.sqlite").is_file(), result.stderr
    data = run_report.load(out)
    assert [m["verdict"] for m in data.candidates] == ["ok", "runtime_error", "race"]
    assert "<script>alert(7)</script>" in data.run["reason"]  # the strings did reach the run
    assert "<img onerror=alert(document.domain) src=x>" in data.candidates[1]["summary"]
    return out


def _images() -> bool:
    try:
        chromium_path()
    except ExportError:
        return False
    return True


@pytest.fixture(scope="module")
def report(run_dir, tmp_path_factory):
    """`parevo report RUN --html --figures DIR`: the notebook, the page, the tables' files."""
    out = tmp_path_factory.mktemp("report")
    args = ["report", run_dir, "-o", out / "report.ipynb", "--html", "--json"]
    args += ["--figures", out / "paper", "--format", "svg"] if _images() else ["--no-images"]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout)
    return {
        "nb": nbformat.read(written["notebook"], as_version=4),
        "html": open(written["html"], encoding="utf-8").read(),
        "paper": out / "paper",
    }


class Element:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.text = tag, dict(attrs), ""


class Page(HTMLParser):
    """Every element of an HTML document with its attributes and its whole text content."""

    VOID = {"img", "br", "hr", "meta", "link", "input", "source", "area", "base", "col", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.elements.append(element)
        if tag not in self.VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append(Element(tag, attrs))

    def handle_endtag(self, tag):
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                break

    def handle_data(self, data):
        self.text += data
        for element in self.open:
            element.text += data


def _no_markup_from_run(html: str) -> Page:
    """No element or attribute of ``html`` came from a run's strings (each payload calls
    ``alert``): no script, image, frame or ``on*`` attribute, no ``javascript:`` link."""
    page = Page(html)
    for element in page.elements:
        values = " ".join(str(v) for v in element.attrs.values())
        active = element.tag in ("script", "img", "iframe", "object", "embed", "svg", "style")
        assert not (active and "alert(" in values + element.text), (element.tag, element.attrs)
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, (element.tag, element.attrs)
        assert "javascript:" not in values.lower(), (element.tag, element.attrs)
    return page


def _outside_code(markdown: str) -> str:
    """The Markdown without its fenced code blocks and code spans (whose text is never markup)."""
    lines, fence = [], None
    for line in markdown.splitlines():
        stripped = line.strip()
        if fence is None and stripped.startswith("```"):
            fence = stripped[: len(stripped) - len(stripped.lstrip("`"))]
        elif fence is not None and stripped == fence:
            fence = None
        elif fence is None:
            lines.append(line)
    return re.sub(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", "", "\n".join(lines))


def test_the_html_page_shows_run_strings_as_text(report):
    page = _no_markup_from_run(report["html"])
    # the strings are on the page, as the text they are
    for text in (
        TASK_DIR,
        "<img onerror=alert(document.domain) src=x> <script>alert(3)</script> *b* `t` $x$",
        "[l](javascript:alert(4))",
        MODEL,
        "<script>alert(7)</script> upstream *down* - #9 x",
        "added by hand from " + RAISING,
        "# ``` <script>alert(5)</script>",  # the race trace, in its code block
    ):
        assert text in page.text, text
    # "- #2 ..." is a list item, not a heading (nbconvert reads "#2" with no space as one)
    headings = [e for e in page.elements if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    assert not [h.text for h in headings if "runtime_error" in h.text or "heading" in h.text]
    items = [e.text.strip() for e in page.elements if e.tag == "li"]
    assert any(item.startswith("#2 runtime_error:") for item in items), items
    assert "<script>alert(3)</script>" not in report["html"]


def test_the_html_export_is_sanitised_and_keeps_its_figures(report):
    """nbconvert draws a plotly output as its static SVG (an <img> of a data URL; nbconvert has
    no renderer of the plotly JSON): the sanitiser keeps them, and the headings and tables."""
    page = Page(report["html"])
    figures = [
        output
        for cell in report["nb"].cells
        for output in cell.get("outputs", [])
        if PLOTLY_MIME in output.get("data", {})
    ]
    assert len(figures) == 2  # progress, speedup versus threads
    shown = [e for e in page.elements if e.tag == "img"]
    if _images():
        assert all("image/svg+xml" in f["data"] for f in figures)
        assert len(shown) == len(figures)
        assert all(e.attrs["src"].startswith("data:image/svg+xml;base64,") for e in shown)
    else:
        assert not shown
    tags = {e.tag for e in page.elements}
    assert {"h1", "h2", "h3", "table", "th", "td", "ul", "li", "pre", "strong"} <= tags
    assert {"Candidates and lineage", "Races", "Other failures"} <= {
        e.text.strip("¶ ") for e in page.elements if e.tag == "h2"
    }


def test_the_notebook_markdown_shows_run_strings_as_text(report):
    """Each Markdown cell, rendered by nbconvert's renderer and by plain mistune (raw HTML let
    through, as a renderer that does not sanitise would): no markup from the run; outside code
    blocks and code spans the source holds no raw tag at all."""
    nb = report["nb"]
    plain = mistune.create_markdown(escape=False, plugins=["table", "strikethrough", "url"])
    cells = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for source in cells:
        for render in (markdown2html_mistune, plain):
            _no_markup_from_run(render(source))
        outside = _outside_code(source)
        assert "<img" not in outside and "<script" not in outside, outside
    assert MODEL in Page(markdown2html_mistune("\n\n".join(cells))).text


def test_running_the_report_notebook_runs_no_candidate(report, run_dir):
    """Its code cells load the run and draw figures; candidates' sources are shown as code
    blocks in Markdown cells, never as code a reader's "Run all" would execute."""
    code = [c.source for c in report["nb"].cells if c.cell_type == "code"]
    assert code and all(
        src.startswith(("from parevo_lab.report", "run_report.")) for src in code
    ), code
    best = run_report.load(run_dir).sources[1].strip("\n")
    assert any(best in c.source for c in report["nb"].cells if c.cell_type == "markdown")


def test_plotly_text_is_escaped(report):
    progress = next(
        o["data"][PLOTLY_MIME]
        for c in report["nb"].cells
        for o in c.get("outputs", [])
        if c.source == "run_report.progress_figure(data)"
    )
    title = progress["layout"]["title"]["text"]
    assert title.startswith("Run of t&lt;img src=x onerror=alert(1)&gt;")
    hover = [t for trace in progress["data"] for t in trace.get("text") or ()]
    assert any("added by hand from r&lt;img src=x onerror=alert(2)&gt;" in t for t in hover)
    assert not any("<img" in t for t in hover)


def test_table_files_escape_markdown_and_latex(report):
    if not _images():
        pytest.skip("--figures needs Chromium")
    md = (report["paper"] / "candidates.md").read_text()
    row = next(line for line in md.splitlines() if line.startswith("| #2 |"))
    assert "<img" not in row and "&lt;img src=x onerror=alert(2)" in row
    _no_markup_from_run(markdown2html_mistune(md))
    tex = (report["paper"] / "candidates.tex").read_text()
    row = next(line for line in tex.splitlines() if line.startswith(r"\#2 &"))
    label = row.split(" & ")[-1].removesuffix(r" \\")
    assert label == (
        r"added by hand from r\textless{}img src=x onerror=alert(2)\textgreater{}"
        r"\textbackslash{}input\{x\}\$m\$\%\#\_\textasciicircum{}\textasciitilde{}\&.py"
    )
    assert r"\input{" not in tex


def test_notebook_displays_of_a_check_escape_run_strings(run_dir):
    """The HTML a notebook shows for a check's report (magics, widget): escaped as well."""
    data = run_report.load(run_dir)
    for candidate in (2, 3):
        html = report_html(from_dict(Report, data.reports[candidate]))
        page = _no_markup_from_run(html)
        assert not [e for e in page.elements if e.tag in ("img", "script")]
    assert (
        "<img onerror=alert(document.domain) src=x>"
        in Page(report_html(from_dict(Report, data.reports[2]))).text
    )


# ------------------------------------------------------------------ the escapes themselves

NASTY = [
    "<img src=x onerror=alert(1)>",
    "#2 heading",
    "- item",
    "+ item",
    "1. first",
    "12) twelfth",
    "> quote",
    ": definition",
    "    indented code",
    "=====",
    "a\n---",
    "a\r\n# b",
    "line\u2028break",
    "*bold* _em_ __strong__ ~~gone~~ snake_case_name",
    "`code` ``more`` \\`",
    "[link](javascript:alert(1)) ![img](x) <http://x> [ref]: /x",
    "$x$ $$y$$ \\(z\\)",
    "&lt;b&gt; &#60; &amp; AT&T",
    "a | b | c",
    "back\\slash\\",
    "[ ] task",
]


@pytest.mark.parametrize("text", NASTY)
@pytest.mark.parametrize(
    "template",
    ["{}", "- {}", "- #1 **wrong**: {}", "## {}", "x\n\n{}\n\ny", "| a |\n|---|\n| {} |"],
)
def test_md_round_trips_as_text(text, template):
    """Wherever a run's string lands, it renders as exactly its text (line breaks as spaces)."""
    cell = template.startswith("|")
    source = template.format(escape.md_cell(text) if cell else escape.md(text))
    expected = " ".join(text.splitlines()).strip() if not cell else " ".join(text.splitlines())
    for render in (markdown2html_mistune, mistune.create_markdown(escape=False, plugins=["table"])):
        page = Page(render(source))
        allowed = {"p", "ul", "li", "h1", "h2", "strong", "table", "thead", "tbody", "tr"}
        assert {e.tag for e in page.elements} <= allowed | {"th", "td", "a"}, render(source)
        links = [e.attrs for e in page.elements if e.tag == "a"]  # headings' anchors, http URLs
        assert all(a.get("class") == "anchor-link" or a["href"].startswith("http") for a in links)
        assert expected.strip() in page.text.replace("¶", ""), (source, page.text)


def test_fence_is_longer_than_any_backtick_run():
    code = "```\n<script>alert(1)</script>\n````\nx = '``'"
    block = escape.fence(code, "python")
    assert block.startswith("`````python\n") and block.endswith("\n`````")
    page = Page(markdown2html_mistune(block + "\n\nafter"))
    assert {e.tag for e in page.elements} <= {"div", "pre", "span", "p"}
    assert "<script>alert(1)</script>" in page.text and page.text.rstrip().endswith("after")
    assert escape.code_span("a `b` c") == "``a `b` c``"
    assert escape.code_span("`x") == "`` `x ``"
    with pytest.raises(ValueError):
        escape.fence("x", "py`")
    # a label's `code` stays code; a table cell keeps a `|` in code as text (no cell split)
    label = escape.md("- privatise `a<b>` in loop `for i` <img src=x>", code=True)
    page = Page(markdown2html_mistune(label))
    assert [e.text for e in page.elements if e.tag == "code"] == ["a<b>", "for i"]
    assert "img" not in {e.tag for e in page.elements}
    assert escape.md_cell("`x|y`", code=True) == "\\`x\\|y\\`"


def test_latex_and_plotly_escapes():
    assert tables.latex_escape(r"\ { } $ & % # _ ^ ~ < > |") == (
        r"\textbackslash{} \{ \} \$ \& \% \# \_ \textasciicircum{} \textasciitilde{} "
        r"\textless{} \textgreater{} \textbar{}"
    )
    assert tables.latex_escape("a\n\nb") == "a  b"  # no paragraph break inside a table cell
    assert escape.plotly("<b>x</b> & y\nz") == "&lt;b&gt;x&lt;/b&gt; &amp; y z"
    assert escape.html("<a href='x'>") == "&lt;a href=&#x27;x&#x27;&gt;"
