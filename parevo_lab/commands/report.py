"""``parevo report``: a run's or a benchmark's report as a notebook (and HTML, paper figures)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import EXIT_OK, usage_error


def formats(text: str) -> tuple[str, ...]:
    values = tuple(part.strip().lower().lstrip(".") for part in text.split(",") if part.strip())
    unknown = [v for v in values if v not in ("svg", "pdf", "png")]
    if not values or unknown:
        raise argparse.ArgumentTypeError(
            f"--format wants svg, pdf or png separated by commas, such as svg,pdf; got {text!r}"
        )
    return values


def add_parser(sub) -> argparse.ArgumentParser:
    report = sub.add_parser(
        "report",
        help="write a run's or a benchmark's report as a notebook (and HTML, paper figures)",
        description="Build a report notebook (nbformat v4) of an evolution run (RUN_DIR, what "
        "`parevo evolve --out` writes) or of a benchmark (--bench BENCH_DIR, what `parevo bench "
        "--out` writes): header, tables, figures (interactive plotly, with a static SVG drawn "
        "in Chromium) and the best kernels. --html renders it as a web page too; --figures "
        "exports each figure in the paper style and each table as LaTeX and Markdown. Exit 0 "
        "when everything was written, 2 for a usage error (the message says how to fix it).",
    )
    report.add_argument(
        "run_dir", nargs="?", default=None, metavar="RUN_DIR", help="folder of an evolution run"
    )
    report.add_argument(
        "--bench", default=None, metavar="BENCH_DIR", help="folder of a benchmark run instead"
    )
    report.add_argument(
        "--against",
        default=None,
        metavar="OTHER_BENCH_DIR",
        help="with --bench: compare with another benchmark folder task by task (the speedup "
        "each hands out, their ratio, its geomean overall and per suite), e.g. rules against "
        "expert",
    )
    report.add_argument(
        "-o",
        "--out",
        default=None,
        metavar="FILE",
        help="the notebook (.ipynb; default: report.ipynb in the folder), or an .html page "
        "(the notebook is then written beside it)",
    )
    report.add_argument(
        "--html", action="store_true", help="also write the HTML page beside the notebook"
    )
    report.add_argument(
        "--no-images",
        action="store_true",
        help="no static SVG of the figures in the notebook (needs no Chromium; the HTML page "
        "then shows no figures)",
    )
    report.add_argument(
        "--figures",
        default=None,
        metavar="DIR",
        help="export each figure (paper style) and each table (.tex booktabs, .md) to DIR",
    )
    report.add_argument(
        "--format",
        type=formats,
        default=("svg", "pdf", "png"),
        metavar="svg,pdf,png",
        help="figure formats for --figures (default: all three)",
    )
    report.add_argument(
        "--size",
        choices=("single", "double"),
        default="single",
        help="figure width for --figures: one column (3.5 in, default) or the text width (7.16 in)",
    )
    report.add_argument("--json", action="store_true", help="print the written paths as JSON")
    return report


def run(args) -> int:
    from ..report import benchmark, notebook
    from ..report import run as run_report
    from ..report.style import ExportError

    if (args.run_dir is None) == (args.bench is None):
        return usage_error(
            "give a run folder (parevo report RUN_DIR) or a benchmark folder (parevo report "
            "--bench BENCH_DIR), one of the two",
            args.json,
        )
    if args.against and not args.bench:
        return usage_error(
            "--against compares two benchmarks: give --bench BENCH_DIR with it", args.json
        )
    folder = Path(args.bench or args.run_dir)
    if not folder.is_dir():
        what = "BENCH_DIR" if args.bench else "RUN_DIR"
        return usage_error(f"{what} {folder} is not a folder: give an existing one", args.json)
    out = Path(args.out) if args.out else folder / "report.ipynb"
    if out.suffix not in (".ipynb", ".html"):
        return usage_error(
            f"-o {out} must end in .ipynb (the notebook) or .html (the page, the notebook beside "
            "it)",
            args.json,
        )
    html = out if out.suffix == ".html" else (out.with_suffix(".html") if args.html else None)
    out = out.with_suffix(".ipynb")
    if args.figures:
        from ..report.style import chromium_path

        try:
            chromium_path()  # before anything is written
        except ExportError as exc:
            return usage_error(str(exc), args.json)
    try:
        if args.bench:
            other = benchmark.load(args.against) if args.against else None
            doc = benchmark.document(benchmark.load(folder), folder, other, args.against)
        else:
            doc = run_report.document(run_report.load(folder))
    except notebook.ReportError as exc:
        return usage_error(str(exc), args.json)
    written: dict = {"notebook": None, "html": None, "figures": []}
    try:
        nb = notebook.to_notebook(doc, images=not args.no_images)
    except ExportError as exc:
        print(
            f"parevo: warning: the notebook's figures have no static image ({exc}; or pass "
            "--no-images)",
            file=sys.stderr,
        )
        nb = notebook.to_notebook(doc, images=False)
    written["notebook"] = str(notebook.write_notebook(nb, out))
    if html is not None:
        written["html"] = str(notebook.write_html(nb, html))
    if args.figures:
        try:
            paths = notebook.export_tables(doc, Path(args.figures))
            paths += notebook.export_figures(doc, Path(args.figures), args.format, args.size)
        except ExportError as exc:
            return usage_error(str(exc), args.json)
        written["figures"] = [str(p) for p in paths]
    if args.json:
        print(json.dumps(written))
    else:
        for key in ("notebook", "html"):
            if written[key]:
                print(f"{key}: {written[key]}")
        if written["figures"]:
            print(f"figures and tables: {len(written['figures'])} files in {args.figures}")
    return EXIT_OK
