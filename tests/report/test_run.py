"""`parevo report`: notebooks of a real run and a real benchmark (nbformat-valid), their HTML
pages, paper figures rendered by kaleido in the system's Chromium, and the usage errors."""

import base64
import json
import xml.etree.ElementTree as ET

import nbformat
import pytest
from conftest import EXAMPLES, run_cli

from parevo_lab import suite
from parevo_lab.report import figures, run, style
from parevo_lab.report.notebook import PLOTLY_MIME, to_notebook

HISTOGRAM = EXAMPLES / "histogram"
QUICK = ["--threads", "1,2"]
BENCH_TASKS = ["pareval/02_dense_la_gemm", "pareval/53_stencil_2d_jacobi_5-point_stencil"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    """A real three-evaluation run of the histogram: the seed, the racy faulty kernel added by
    hand, and one rule-generated candidate."""
    out = tmp_path_factory.mktemp("report") / "run"
    result = run_cli(
        "evolve",
        HISTOGRAM / "task.py",
        "--budget",
        "3",
        "--profile-budget",
        "0.1",
        *QUICK,
        "--add",
        HISTOGRAM / "faulty.py",
        "--out",
        out,
    )
    assert (out / "run.sqlite").is_file(), result.stderr
    return out


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory):
    """A real benchmark folder, written as `parevo bench --solver expert --out` writes it, of two
    cheap tasks of two categories (without the pure-Python timing, ten seconds per task here)."""
    from parevo_lab import bench, suite
    from parevo_lab.cascade import CheckOptions
    from parevo_lab.report import benchmark

    out = tmp_path_factory.mktemp("report") / "bench"
    entries = suite.select(suite.entries(), BENCH_TASKS)
    # the bench report shows no projection: its replays (tests/cascade/test_scaling.py) are skipped
    options = CheckOptions(threads=[1, 2], budget_s=0.1, python_cap_s=0.0, projection=False)
    benchmark.write(bench.run(entries, "expert", 1, options).to_dict(), out)
    return out


def _markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def _figures(nb) -> dict:
    """The plotly outputs of the notebook by the code that draws them."""
    out = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if PLOTLY_MIME in output.get("data", {}):
                out[cell.source] = output["data"]
    return out


def _inlined(svg: str) -> str:
    """How nbconvert's HTML page carries an SVG output: a base64 data URL."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode())[:60].decode()


def test_run_report_notebook_and_html(run_dir, tmp_path):
    target = tmp_path / "run-report.ipynb"
    result = run_cli("report", run_dir, "-o", target, "--html", "--json")
    assert result.returncode == 0, result.stderr
    written = json.loads(result.stdout)
    assert written == {
        "notebook": str(target),
        "html": str(tmp_path / "run-report.html"),
        "figures": [],
    }
    nb = nbformat.read(target, as_version=4)
    nbformat.validate(nb)
    data = run.load(run_dir)
    assert len(data.evaluated) == 3
    text = _markdown(nb)
    assert nb.cells[0].source == "# ParEVO Lab run report: histogram"
    assert "**generator** rules, **budget** 3 evaluations, **seed** 0" in text
    assert "**machine ceiling** a compute-bound kernel reaches 1.00x at 1 thread," in text
    # the candidates table: one row per candidate, with lineage and the faulty kernel's verdict
    for m in data.candidates:
        assert f"| #{m['id']} |" in text
    assert "| #2 | - | race |" in text
    # the race trace of the faulty kernel, as `parevo races` prints it
    assert "WARNING: ParEVO race" in text and "counts" in text
    best = data.best
    assert f"## The best kernel: #{best['id']}" in text
    kernel = data.sources[best["id"]].strip("\n")
    assert kernel in (run_dir / "best.py").read_text()
    # its source in a Markdown code block: running the report's notebook runs no candidate
    assert any(
        c.cell_type == "markdown" and f"```python\n{kernel}\n```" in c.source for c in nb.cells
    )
    # the compiled view: the faulty kernel's scatter is no loop LLVM vectorises, said at its line
    faulty = run.loop_rows(data.reports[2]["compiled"])
    assert faulty[0] == dict(
        line=13, loop="array expression", vectorised="no loop left (memset)", finding="", at="",
        fix="",
    )  # fmt: skip
    scatter = [(r["line"], r["loop"], r["vectorised"], r["finding"], r["at"]) for r in faulty[1:]]
    assert (14, "prange", "no", "indirect stores may collide", "15: counts[pixels[i]] += 1") in (
        scatter
    )
    loops = run.loop_rows(data.reports[best["id"]].get("compiled"))
    if loops:  # a parallel best: its loops under it, as a table
        assert "### What LLVM made of its loops" in text
        assert "| line | loop | vectorised | finding | at | usual fix |" in text
    else:  # the seed: no parallel loop to show
        assert best["origin"] == "seed" and "What LLVM made" not in text
    shown = _figures(nb)
    progress = shown["run_report.progress_figure(data)"]
    steps = next(t for t in progress[PLOTLY_MIME]["data"] if t["name"] == "best so far")
    assert steps["y"][-1] == pytest.approx(best["speedup"])
    assert [t["name"] for t in progress[PLOTLY_MIME]["data"]].count("race") == 1
    lines = progress[PLOTLY_MIME]["layout"]["shapes"]  # serial numba and the ceiling, drawn
    assert [s["y0"] for s in lines] == [1.0, data.ceiling["compute_speedup"]["2"]]
    assert all(s["line"]["width"] > 0 and s["opacity"] == 1 for s in lines)
    assert ET.fromstring(progress["image/svg+xml"]).tag.endswith("svg")
    if best["origin"] != "seed" or data.profile(best):
        assert "run_report.speedup_figure(data)" in shown
    html = (tmp_path / "run-report.html").read_text(encoding="utf-8")
    assert "<table>" in html and "<td>race</td>" in html
    assert "In&nbsp;[" not in html and "In [" not in html  # no prompts of cells never run
    assert _inlined(progress["image/svg+xml"]) in html  # a static figure: no plotly.js needed
    assert target.stat().st_size < 200_000


def test_report_is_written_in_the_run_folder_by_default(run_dir):
    result = run_cli("report", run_dir, "--no-images")
    assert result.returncode == 0, result.stderr
    nb = nbformat.read(run_dir / "report.ipynb", as_version=4)
    assert all("image/svg+xml" not in data for data in _figures(nb).values())
    assert f"notebook: {run_dir / 'report.ipynb'}" in result.stdout


def test_paper_figures_and_tables_export(run_dir, tmp_path):
    folder = tmp_path / "paper"
    result = run_cli(
        "report",
        run_dir,
        "--no-images",
        "-o",
        tmp_path / "r.ipynb",
        "--figures",
        folder,
        "--format",
        "svg,pdf,png",
        "--size",
        "double",
    )
    assert result.returncode == 0, result.stderr
    for name in ("progress", "speedup_vs_threads"):
        assert (folder / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        assert (folder / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        svg = ET.fromstring((folder / f"{name}.svg").read_text(encoding="utf-8"))
        assert svg.get("width") == "687"  # 7.16 in at 96 px per inch
        assert "Times New Roman" in (folder / f"{name}.svg").read_text(encoding="utf-8")
    tex = (folder / "candidates.tex").read_text()
    assert r"\toprule" in tex and r"\bottomrule" in tex and r"\#2 & - & race" in tex
    assert (folder / "candidates.md").read_text().startswith("| id | parent | verdict |")


def test_bench_report_as_html_with_the_notebook_beside_it(bench_dir, tmp_path):
    page = tmp_path / "bench.html"
    result = run_cli("report", "--bench", bench_dir, "-o", page)
    assert result.returncode == 0, result.stderr
    nb = nbformat.read(tmp_path / "bench.ipynb", as_version=4)
    nbformat.validate(nb)
    text = _markdown(nb)
    assert nb.cells[0].source == "# ParEVO Lab benchmark report: solver expert"
    assert "| all | 2 |" in text  # the metrics table
    assert all(f"| {task} |" in text for task in BENCH_TASKS)
    assert "## Best kernels" in text  # each task's fastest kernel, in a Markdown code block
    gemm = (suite.EXPERT / "pareval" / "02_dense_la_gemm.py").read_text().strip("\n")
    assert f"```python\n{gemm}\n```" in text
    assert "**machine ceiling** a compute-bound kernel reaches" in text
    shown = _figures(nb)
    per_task = shown["figures.speedup_per_task(data['tasks'], ceiling)"][PLOTLY_MIME]
    assert {t["name"] for t in per_task["data"]} == {"dense_la", "stencil"}
    assert "figures.speedup_by_category(data['tasks'], ceiling)" in shown
    html = page.read_text(encoding="utf-8")
    assert "<table>" in html and "pass@1" in html
    assert (
        _inlined(shown["figures.speedup_per_task(data['tasks'], ceiling)"]["image/svg+xml"]) in html
    )


def test_a_benchmark_against_itself_is_even_on_every_task(bench_dir, tmp_path):
    out = tmp_path / "against.ipynb"
    result = run_cli("report", "--bench", bench_dir, "--against", bench_dir, "-o", out)
    assert result.returncode == 0, result.stderr
    nb = nbformat.read(out, as_version=4)
    nbformat.validate(nb)
    text = _markdown(nb)
    assert "## Against expert (other)" in text
    assert "geomean ratio 1.00 over 2 tasks" in text and "expert (this) faster on 0" in text
    speedups = {
        t["id"]: t["speedup"] for t in json.loads((bench_dir / "results.json").read_text())["tasks"]
    }
    for task in BENCH_TASKS:  # each row: the same speedup twice, the ratio 1.00
        shown = f"{speedups[task]:.2f}x"
        assert f"| {task} | {shown} | {shown} | 1.00 |" in text
    scatter = next(v for k, v in _figures(nb).items() if k.startswith("against.scatter"))
    points = [t for t in scatter[PLOTLY_MIME]["data"] if t["mode"] == "markers"]
    assert {t["name"] for t in points} == {"pareval"}
    assert sorted(points[0]["x"]) == sorted(points[0]["y"]) == sorted(speedups.values())
    result = run_cli("report", "--bench", bench_dir, "--against", tmp_path, "-o", out)
    assert result.returncode == 2 and "has no results.json" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "one of the two"),
        (["{empty}", "--against", "{empty}"], "give --bench BENCH_DIR with it"),
        (["{empty}"], "has no run.sqlite"),
        (["--bench", "{empty}"], "has no results.json"),
        (["{empty}", "--bench", "{empty}"], "one of the two"),
        (["{missing}"], "is not a folder"),
        (["{empty}", "-o", "report.txt"], "must end in .ipynb"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path, args, message):
    empty = tmp_path / "empty"
    empty.mkdir()
    argv = [a.format(empty=empty, missing=tmp_path / "nowhere") for a in args]
    result = run_cli("report", *argv)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("parevo: error: ") and message in lines[0]


def test_an_unknown_figure_format_is_a_usage_error(tmp_path):
    result = run_cli("report", tmp_path, "--figures", tmp_path, "--format", "svg,gif")
    assert result.returncode == 2
    assert "--format wants svg, pdf or png" in result.stderr


def test_without_chromium_export_fails_and_the_notebook_goes_without_images(run_dir, tmp_path):
    nowhere = {"BROWSER_PATH": str(tmp_path / "no-chromium")}
    result = run_cli("report", run_dir, "--figures", tmp_path / "f", env=nowhere)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "apt-get install chromium" in lines[0]
    assert not (tmp_path / "f").exists()
    result = run_cli("report", run_dir, "-o", tmp_path / "r.ipynb", env=nowhere)
    assert result.returncode == 0
    assert "warning" in result.stderr and "apt-get install chromium" in result.stderr
    nbformat.validate(nbformat.read(tmp_path / "r.ipynb", as_version=4))


def test_the_best_kernel_s_projection_table_and_loop_work_figure(tmp_path):
    """A run whose best kernel was projected (evolve does not project yet: the report as a
    `parevo check` would have stored it): the table and each thread's share of the work."""
    from test_figures import PROFILE, PROJECTION

    best = dict(id=2, parent_id=1, origin="rules", verdict="ok", speedup=1.45, threads=2)
    best.update(label="prange the rows", summary="", confirmed=None, retimed=None)
    seed = dict(best, id=1, parent_id=None, origin="seed", speedup=1.0, label="the reference")
    data = run.RunData(
        folder=tmp_path,
        run={
            "status": "finished",
            "reason": "budget",
            "generator": "rules",
            "seed": 0,
            "created": "",
            "settings": {},
            "best": {"id": 2},
        },
        task={"path": "task.py", "name": "csr", "hash": "h"},
        task_source="def reference(): pass\n",
        candidates=[seed, best],
        reports={2: {"verdict": "ok", "profile": PROFILE, "projection": PROJECTION}},
        sources={1: "def reference(): pass\n", 2: "def kernel(): pass\n"},
    )
    doc = run.document(data)
    text = "\n".join(b[1] for b in doc.blocks if isinstance(b, tuple) and b[0] == "markdown")
    assert "### Projected to 64 threads\n\nProjected, not measured" in text
    assert "imbalance: at 4 threads" in text and "- assumed: this machine's cores" in text
    table = next(t for t in doc.tables if t.name == "projection")
    last = table.rows[-1]
    assert (last["threads"], last["speedup"], last["bound"], last["dynamic"]) == (
        64,
        3.15,
        "serial",
        12.49,
    )
    assert "over serial numba" in table.caption
    shown = {f.name: f.figure for f in doc.figures}
    speedup = shown["speedup_vs_threads"]
    assert speedup.layout.xaxis.type == "log"
    assert "projected (static schedule, machine this)" in [t.name for t in speedup.data]
    work = shown["loop_work"]
    assert "at 16 threads" in work.layout.title.text
    assert len([t for t in work.data if t.type == "bar"]) == 8  # 4 loops x 2 schedules
    assert doc.figures[-1].code == "run_report.loop_work_figure(data)"
    nbformat.validate(to_notebook(doc, images=False))
    # a refused projection says why, and draws no loop figure
    data.reports[2]["projection"] = {"status": "not_projected", "reason": "no prange loop"}
    doc = run.document(data)
    assert "loop_work" not in {f.name for f in doc.figures}
    said = [b[1] for b in doc.blocks if isinstance(b, tuple) and b[0] == "markdown"]
    assert any("Not projected beyond this machine: no prange loop" in b for b in said)


def test_paper_style_sizes_and_fonts():
    fig = figures.speedup_vs_threads(
        {
            "size": 10,
            "speedup": {
                "vs_serial": {
                    "1": {"value": 1.0, "ci_low": 0.9, "ci_high": 1.1},
                    "2": {"value": 1.6, "ci_low": 1.5, "ci_high": 1.7},
                }
            },
            "ceiling": {"compute_speedup": {"1": 1.0, "2": 1.9}},
        }
    )
    single, double = style.paper(fig, "single"), style.paper(fig, "double")
    assert (single.layout.width, double.layout.width) == (336, 687)
    assert single.layout.font.family.startswith("Times New Roman")
    assert list(single.layout.template.layout.colorway) == figures.PALETTE
    assert single.layout.title.text is None and fig.layout.title.text  # the input is untouched
    assert single.layout.template.layout.xaxis.showgrid is False
    with pytest.raises(ValueError, match="single, double"):
        style.paper(fig, "poster")


def test_chromium_path_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "none"))
    with pytest.raises(style.ExportError, match="apt-get install chromium"):
        style.chromium_path()
