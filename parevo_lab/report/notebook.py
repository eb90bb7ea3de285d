"""Reports as documents: a list of blocks (text, code, figures, tables) that becomes an nbformat v4
notebook, an HTML page (nbconvert), and files for a paper (figures in the paper style, tables as
LaTeX booktabs and Markdown).

A figure lands in the notebook as an output of the code cell that re-creates it, with the plotly
JSON (``application/vnd.plotly.v1+json``, what JupyterLab draws interactively) and, when Chromium
is at hand, a static SVG that the HTML page and GitHub show.

A run's strings are not ours: the blocks hold them escaped (``escape``), the title and the tables'
captions and cells are escaped here, and the HTML page is sanitised as well (``clean_html``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ParevoError
from . import escape, tables

PLOTLY_MIME = "application/vnd.plotly.v1+json"


class ReportError(ParevoError):
    """A folder holds no report material; the message names the problem and the fix."""


def ceiling_text(ceiling: dict) -> str:
    """The machine's measured ceiling in words: what a compute-bound kernel reaches at each
    thread count, and the memory bandwidth (DESIGN.md: every speedup beside it)."""

    def threads(p) -> str:
        return f"{p} thread" + ("" if str(p) == "1" else "s")

    def ordered(values: dict) -> list:
        return sorted(values.items(), key=lambda kv: int(kv[0]))

    compute = ceiling.get("compute_speedup") or {}
    if not compute:
        return "not measured"
    out = "a compute-bound kernel reaches " + ", ".join(
        f"{v:.2f}x at {threads(p)}" for p, v in ordered(compute)
    )
    bandwidth = ceiling.get("bandwidth_gbs") or {}
    if bandwidth:
        out += "; memory bandwidth " + ", ".join(
            f"{v:.0f} GB/s at {threads(p)}" for p, v in ordered(bandwidth)
        )
    return out


@dataclass
class Figure:
    name: str  # the file name of its export, e.g. "progress"
    figure: object  # a plotly Figure
    code: str  # the cell source that re-creates it


@dataclass
class Table:
    name: str
    rows: list[dict]
    columns: list[tables.Column]
    caption: str
    label: str


@dataclass
class Document:
    title: str
    blocks: list = field(
        default_factory=list
    )  # ("markdown", text) | ("code", src) | Figure | Table

    def markdown(self, text: str) -> None:
        self.blocks.append(("markdown", text.strip("\n")))

    def code(self, source: str) -> None:
        self.blocks.append(("code", source.strip("\n")))

    def figure(self, name: str, figure, code: str) -> None:
        self.blocks.append(Figure(name, figure, code.strip("\n")))

    def table(self, name: str, rows, columns, caption: str, label: str = "") -> None:
        self.blocks.append(Table(name, rows, columns, caption, label or f"tab:parevo-{name}"))

    @property
    def figures(self) -> list[Figure]:
        return [b for b in self.blocks if isinstance(b, Figure)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def to_notebook(doc: Document, images: bool = True):
    """The document as a validated nbformat v4 notebook. ``images``: add a static SVG of each
    figure (needs Chromium; raises style.ExportError without it)."""
    import nbformat
    from nbformat import v4

    svgs: dict[int, str] = {}
    if images and doc.figures:
        from .style import static_images

        rendered = static_images([f.figure for f in doc.figures], "svg")
        svgs = {id(f): svg.decode("utf-8") for f, svg in zip(doc.figures, rendered, strict=True)}
    cells = [v4.new_markdown_cell(f"# {escape.md_cell(doc.title)}")]
    for block in doc.blocks:
        if isinstance(block, Figure):
            data = {
                PLOTLY_MIME: json.loads(block.figure.to_json()),
                "text/plain": f"<plotly figure: {block.name}>",
            }
            if id(block) in svgs:
                data["image/svg+xml"] = svgs[id(block)]
            output = v4.new_output("display_data", data=data)
            cells.append(v4.new_code_cell(block.code, outputs=[output]))
        elif isinstance(block, Table):
            cells.append(
                v4.new_markdown_cell(
                    f"**{escape.md_cell(block.caption)}**\n\n"
                    + tables.to_markdown(block.rows, block.columns)
                )
            )
        elif block[0] == "markdown":
            cells.append(v4.new_markdown_cell(block[1]))
        else:
            cells.append(v4.new_code_cell(block[1]))
    nb = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "parevo_lab": {"report": doc.title},
        },
    )
    nbformat.validate(nb)
    return nb


def write_notebook(nb, path: Path) -> Path:
    import nbformat

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


# What the HTML page's Markdown cells and HTML outputs may hold once sanitised: the structure
# Markdown makes (nbconvert's own allow-list would show headings, paragraphs and table heads as
# text), code, tables and links to the web; no image, script, style, form or event attribute.
ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br code dd del details div dl dt em h1 h2 h3 h4 h5 h6 hr i kbd li ol p "
    "pre s span strong sub summary sup table tbody td tfoot th thead tr ul".split()
)
ALLOWED_ATTRIBUTES = {"*": ["class", "id", "title"], "a": ["href", "class", "id", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


def clean_html(html) -> str:
    """The HTML of a Markdown cell or an HTML output with only ``ALLOWED_TAGS`` and
    ``ALLOWED_ATTRIBUTES`` left as markup (any other tag is shown as text, comments dropped)."""
    import bleach

    html = html.decode() if isinstance(html, bytes) else str(html)
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip_comments=True,
    )


def write_html(nb, path: Path) -> Path:
    """Render the notebook as a standalone HTML page (nbconvert's lab template), without the
    `In [ ]:` prompts of cells a reader never ran, sanitised: Markdown cells and HTML outputs
    through ``clean_html``, no JavaScript output run. A figure shows as its static SVG, an
    ``<img>`` of a data URL (a script in it never runs)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=True,
        filters={"clean_html": clean_html},
    )
    body, _ = exporter.from_notebook_node(nb)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    return path


def export_tables(doc: Document, folder: Path) -> list[Path]:
    """Each table as ``name``.tex (booktabs) and ``name``.md in ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for t in doc.tables:
        tex = folder / f"{t.name}.tex"
        tex.write_text(tables.to_latex(t.rows, t.columns, t.caption, t.label), encoding="utf-8")
        md = folder / f"{t.name}.md"
        md.write_text(tables.to_markdown(t.rows, t.columns), encoding="utf-8")
        written += [tex, md]
    return written


def export_figures(doc: Document, folder: Path, formats, size: str = "single") -> list[Path]:
    """Each figure in the paper style as ``name``.<format> in ``folder`` (one Chromium session)."""
    from .style import export_many

    return export_many([(f.figure, Path(folder) / f.name) for f in doc.figures], formats, size)
