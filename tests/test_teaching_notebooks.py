"""The teaching notebooks run top to bottom and every exercise shows the verdict it teaches.

Each checked cell carries its expected verdict in its metadata (``parevo.expect``): an exercise's
starter kernel is wrong on purpose (``race``), its solution and the primitives' examples are
``ok``. The verdict is read from the report's HTML, the badge in the first ``<span>``.

Notebook 06 teaches the compiled view: its kernels are correct, and a cell's ``parevo.compiled``
lists the rows its table ``<table class="parevo-compiled">`` must show, each
``[fragment of the loop's source line, vectorised, finding title]``: vectorised is ``"x"`` (any
vector width), ``"no"``, or a prefix such as ``"x8"``; the finding is an exact title, ``""`` for a
loop without findings. A loop the rows name may show no other finding.
"""

import re
from html import unescape
from pathlib import Path

import nbformat
import numba
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
TEACHING = [
    "01_races_and_reductions.ipynb",
    "02_histograms.ipynb",
    "03_scans.ipynb",
    "04_graphs.ipynb",
    "05_evolve_your_kernel.ipynb",
    "06_what_numba_made.ipynb",
]
VERDICT = re.compile(r'<div class="parevo-report".*?<span[^>]*>([^<]*)</span>', re.S)
COMPILED = re.compile(r'<table class="parevo-compiled"[^>]*>(.*?)</table>', re.S)
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<t[hd]>(.*?)</t[hd]>", re.S)
# With Intel's SVML (the intel-cmplr-lib-rt package) numba calls vector math: no such finding then.
OPTIONAL = {"scalar math calls, one per lane"} if numba.config.USING_SVML else set()


def read(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def checked_cells(notebook):
    return [cell for cell in notebook.cells if "parevo" in cell.metadata]


def html_of(cell) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.get("outputs", []))


def text_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


def compiled_rows(cell, html: str) -> list[tuple[str, str, str]]:
    """The compiled view's table in a check's HTML, one (source line of the loop, vectorised,
    finding) a row; the table's line numbers count the cell's lines, the magic's line as 1."""
    tables = COMPILED.findall(html)
    assert len(tables) == 1, f"{len(tables)} compiled-view tables"
    head, *body = [[unescape(c) for c in CELL.findall(row)] for row in ROW.findall(tables[0])]
    lines = cell.source.splitlines()
    out = []
    for values in body:
        row = dict(zip(head, values, strict=True))
        out.append((lines[int(row["line"]) - 1], row["vectorised"], row["finding"]))
    return out


def vector_matches(expected: str, shown: str) -> bool:
    """Expected "x": vectorised at any width; "no": not vectorised; "x8": that width."""
    if expected == "x":
        return re.match(r"x\d+(,|$)", shown) is not None
    return shown == expected or shown.startswith(expected + ",")


def check_compiled(cell, html: str, where: str) -> None:
    """Every row of ``parevo.compiled`` is in the table, and a loop it names has no other row."""
    expected = cell.metadata["parevo"]["compiled"]
    rows = compiled_rows(cell, html)
    shown = "\n".join(map(repr, rows))
    allowed = []
    for fragment, vector, finding in expected:
        rule = (fragment, vector, finding)
        hit = any(
            fragment in line and vector_matches(vector, shown_vector) and shown_finding == finding
            for line, shown_vector, shown_finding in rows
        )
        assert hit or finding in OPTIONAL, f"{where}\nno row {rule} among:\n{shown}"
        allowed.append(rule)
        if finding in OPTIONAL:
            allowed.append((fragment, vector, ""))
    for line, vector, finding in rows:
        if any(fragment in line for fragment, _, _ in expected):
            assert any(
                fragment in line and vector_matches(v, vector) and finding == f
                for fragment, v, f in allowed
            ), f"{where}\nunexpected row {(line.strip(), vector, finding)} among:\n{shown}"


@pytest.mark.parametrize("name", TEACHING)
def test_saved_without_outputs_and_every_exercise_has_a_hidden_solution(name):
    notebook = read(name)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(not cell.outputs and cell.execution_count is None for cell in code)
    assert code[0].source == "%load_ext parevo_lab"
    tags = [cell.metadata["tags"][0] for cell in checked_cells(notebook)]
    assert tags.count("exercise") >= 1
    for i, tag in enumerate(tags):  # exercise, solution, exercise, solution, ..., examples
        if tag == "exercise":
            assert tags[i + 1] == "solution", f"exercise {i} of {name} has no solution after it"
    for cell in checked_cells(notebook):
        assert cell.source.startswith("%%parevo_check")
        assert "--threads 1,2" in cell.source.splitlines()[0]
        if "solution" in cell.metadata["tags"]:
            assert cell.metadata["jupyter"]["source_hidden"] is True
        for row in cell.metadata["parevo"].get("compiled", []):
            fragment, vector, finding = row
            assert fragment and (vector in ("x", "no") or re.fullmatch(r"x\d+", vector)), row
            assert isinstance(finding, str), row


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.parametrize("name", TEACHING)
def test_runs_and_shows_the_verdict_each_cell_teaches(name, tmp_path):
    notebook = read(name)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    for cell in checked_cells(notebook):
        html = html_of(cell)
        where = f"{name}, {cell.metadata['tags'][0]} cell:\n{cell.source[:200]}"
        assert VERDICT.findall(html) == [cell.metadata["parevo"]["expect"]], where
        if cell.metadata["parevo"]["expect"] == "race":
            assert "Race trace" in html and "ParEVO race" in html, where
        if "compiled" in cell.metadata["parevo"]:
            check_compiled(cell, html, where)
    assert (tmp_path / ".parevo" / "tasks").is_dir()  # the magics wrote into tmp, not the repo
    for cell in notebook.cells:  # notebook 05: the evolution found a correct parallel kernel
        if "results" in cell.metadata.get("tags", []):
            text = text_of(cell)
            assert re.search(r"first correct parallel candidate after \d+ evaluations", text), text
            assert "def kernel(offsets, values)" in text, text  # best.py, printed
