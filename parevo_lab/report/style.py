"""Paper style for figures, and their export to SVG, PDF and PNG through kaleido (Chromium).

``PAPER`` is a plotly template: serif fonts, the Okabe-Ito palette, thin axes, no grid. The size
presets are a column of a two-column paper (``single``, 3.5 in) and the full text width
(``double``, 7.16 in, IEEE/ACM). ``export`` renders in the system's Chromium; when there is none
it fails with one line that says how to install it.
"""

from __future__ import annotations

import copy
import os
import shutil
from pathlib import Path

from ..errors import ParevoError
from .figures import PALETTE

FONT = "Times New Roman, Times, serif"
FORMATS = ("svg", "pdf", "png")
PX_PER_INCH = 96  # plotly's layout unit is the CSS pixel; Chromium prints 96 of them per inch
PNG_DPI = 300

# width and height in inches, font size in CSS pixels (10 px = 7.5 pt, 11 px = 8.25 pt)
SIZES = {
    "single": {"width_in": 3.5, "height_in": 2.4, "font": 10},
    "double": {"width_in": 7.16, "height_in": 2.8, "font": 11},
}

CHROMIUM_FIX = (
    "install it with `apt-get install chromium` (or set BROWSER_PATH to a Chrome or Chromium "
    "executable)"
)


class ExportError(ParevoError, RuntimeError):
    """A figure could not be rendered (no Chromium, or kaleido failed); the message says why."""


def _axis() -> dict:
    return {
        "showgrid": False,
        "zeroline": False,
        "showline": True,
        "linewidth": 0.75,
        "linecolor": "black",
        "mirror": False,
        "ticks": "outside",
        "tickwidth": 0.75,
        "ticklen": 3,
        "tickcolor": "black",
        "title": {"standoff": 4},
        "automargin": True,
    }


def paper_template():
    """The plotly template of the paper style (a new object each call)."""
    import plotly.graph_objects as go

    return go.layout.Template(
        layout={
            "font": {"family": FONT, "size": 10, "color": "black"},
            "title": {"font": {"family": FONT, "size": 11}, "x": 0.02, "xanchor": "left"},
            "colorway": PALETTE,
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "xaxis": _axis(),
            "yaxis": _axis(),
            "legend": {"bgcolor": "rgba(0,0,0,0)", "borderwidth": 0, "font": {"family": FONT}},
            "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
            "bargap": 0.25,
            "boxgap": 0.3,
        },
        data={
            "scatter": [{"line": {"width": 1.25}, "marker": {"size": 5}}],
            "bar": [{"marker": {"line": {"width": 0}}}],
            "box": [{"line": {"width": 1}, "marker": {"size": 4}}],
        },
    )


def _register() -> None:
    import plotly.io as pio

    if "parevo_paper" not in pio.templates:
        pio.templates["parevo_paper"] = paper_template()


def paper(fig, size: str = "single", title: bool = False):
    """A copy of ``fig`` in the paper style at a size preset. Titles go (the paper's caption says
    it) unless ``title``; legends lie flat above the plot so they never steal its width."""
    import plotly.graph_objects as go

    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    preset = SIZES[size]
    out = go.Figure(copy.deepcopy(fig.to_plotly_json()))
    out.update_layout(
        template=paper_template(),
        width=round(preset["width_in"] * PX_PER_INCH),
        height=round(preset["height_in"] * PX_PER_INCH),
        font={"family": FONT, "size": preset["font"], "color": "black"},
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
            "title": {"text": ""},
        },
        margin={"l": 8, "r": 8, "t": 8 if not title else 36, "b": 8},
    )
    if not title:
        out.update_layout(title=None)
    out.update_layout(legend=_legend_grid(out, out.layout.width, preset["font"] - 1))
    axis_title = {"title": {"font": {"family": FONT, "size": preset["font"]}}}
    out.update_xaxes(**axis_title)
    out.update_yaxes(**axis_title)
    out.update_annotations(font={"family": FONT, "size": preset["font"] - 1})
    out.update_shapes(line_width=1)  # reference lines (serial, ceiling) thinner than the data
    for trace in out.data:
        error = getattr(trace, "error_y", None)
        if error is not None and error.array is not None:
            error.update(thickness=1, width=3)
    return out


def _legend_grid(fig, width_px: int, font_px: int) -> dict:
    """A legend above the plot as a grid of equal columns, as many as the longest entry allows
    (plotly's own wrapping gives each entry a row of its own once they do not fit in one)."""
    names = [t.name for t in fig.data if t.name and t.showlegend is not False]
    legend = {"font": {"size": font_px}, "itemwidth": 30}
    if not names:
        return legend
    entry_px = 40 + 0.44 * font_px * max(len(n) for n in names)  # symbol, gap, text
    plot_px = width_px - 50  # the fractions are of the plot area: the figure less the y axis
    columns = max(1, min(len(names), int(plot_px // entry_px)))
    return {**legend, "entrywidth": 1 / columns, "entrywidthmode": "fraction"}


def chromium_path() -> str:
    """The Chromium that kaleido should drive: $BROWSER_PATH, else the system's chromium, else a
    browser choreographer knows (its own download included). Sets BROWSER_PATH when it was unset,
    so every kaleido user in this process finds the same one."""
    given = os.environ.get("BROWSER_PATH")
    if given:
        if os.access(given, os.X_OK):
            return given
        raise ExportError(f"BROWSER_PATH={given} is not an executable: {CHROMIUM_FIX}")
    found = None
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            break
    if found is None:
        try:
            from choreographer.browsers.chromium import Chromium

            found = Chromium.find_browser(skip_local=False)
        except Exception:  # noqa: BLE001 - any failure to look means "not found"
            found = None
    if not found:
        raise ExportError(f"no Chromium to render figures with: {CHROMIUM_FIX}")
    os.environ["BROWSER_PATH"] = found
    return found


def _base(path: str | os.PathLike) -> Path:
    path = Path(path)
    return path.with_suffix("") if path.suffix.lstrip(".").lower() in FORMATS else path


def _check_formats(formats) -> tuple[str, ...]:
    formats = tuple(f.strip().lower().lstrip(".") for f in formats if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ExportError(
            f"unknown figure format {', '.join(unknown) or '(none)'}: choose from "
            + ", ".join(FORMATS)
        )
    return formats


def render(jobs: list[tuple], timeout_s: float = 90.0) -> list[Path]:
    """Render ``(fig, path)`` pairs (each path with its format's suffix) in one Chromium session,
    the figures as they are (no style applied). Returns the paths written."""
    if not jobs:
        return []
    import kaleido

    browser = chromium_path()
    specs = []
    for fig, path in jobs:
        path = Path(path)
        fmt = path.suffix.lstrip(".").lower()
        _check_formats([fmt])
        layout = fig.layout
        opts = {"format": fmt, "width": layout.width or 700, "height": layout.height or 450}
        opts["scale"] = PNG_DPI / PX_PER_INCH if fmt == "png" else 1
        path.parent.mkdir(parents=True, exist_ok=True)
        specs.append({"fig": fig.to_plotly_json(), "path": path, "opts": opts})
    kopts = {
        "path": browser,
        "enable_sandbox": False,  # Chromium's sandbox refuses to start as root
        "mathjax": False,  # MathJax would come from a CDN; nothing here needs it
        "timeout": timeout_s,
    }
    try:
        kaleido.write_fig_from_object_sync(specs, kopts=kopts, cancel_on_error=True)
    except Exception as exc:  # noqa: BLE001 - kaleido raises many kinds; one line is enough
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ExportError(f"kaleido could not render with {browser}: {detail}") from exc
    missing = [str(s["path"]) for s in specs if not Path(s["path"]).is_file()]
    if missing:
        raise ExportError(f"kaleido wrote no file for {', '.join(missing)}")
    return [Path(s["path"]) for s in specs]


def export_many(
    figures: list[tuple], formats=FORMATS, size: str = "single", title: bool = False
) -> list[Path]:
    """Export ``(fig, path)`` pairs in the paper style, each in every format (one browser)."""
    formats = _check_formats(formats)
    jobs = []
    for fig, path in figures:
        styled = paper(fig, size, title=title)
        jobs += [(styled, _base(path).with_suffix(f".{fmt}")) for fmt in formats]
    return render(jobs)


def export(
    fig, path: str | os.PathLike, formats=FORMATS, size: str = "single", title: bool = False
) -> list[Path]:
    """Write ``fig`` in the paper style to ``path``.svg/.pdf/.png (``path`` with or without a
    suffix); ``size`` is ``single`` (one column) or ``double`` (text width)."""
    return export_many([(fig, path)], formats, size, title)


def static_images(figures: list, fmt: str = "svg") -> list[bytes]:
    """Each figure rendered as it is (SVG by default), for a notebook's static fallback."""
    import tempfile

    import plotly.graph_objects as go

    sized = []
    for fig in figures:  # a page-wide default: long category labels and legends need room
        copy_ = go.Figure(fig)
        copy_.update_layout(width=fig.layout.width or 900, height=fig.layout.height or 560)
        sized.append(copy_)
    with tempfile.TemporaryDirectory(prefix="parevo-figures-") as tmp:
        paths = [Path(tmp) / f"figure-{i}.{fmt}" for i in range(len(figures))]
        render(list(zip(sized, paths, strict=True)))
        return [p.read_bytes() for p in paths]


_register()
