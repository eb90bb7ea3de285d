"""The teaching notebooks run top to bottom and every exercise shows the verdict it teaches.

Each checked cell carries its expected verdict in its metadata (``parevo.expect``): an exercise's
starter kernel is wrong on purpose (``race``), its solution and the primitives' examples are
``ok``. The verdict is read from the report's HTML, the badge in the first ``<span>``.
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"
TEACHING = [
    "01_races_and_reductions.ipynb",
    "02_histograms.ipynb",
    "03_scans.ipynb",
    "04_graphs.ipynb",
    "05_evolve_your_kernel.ipynb",
]
VERDICT = re.compile(r'<div class="parevo-report".*?<span[^>]*>([^<]*)</span>', re.S)


def read(name):
    return nbformat.read(NOTEBOOKS / name, as_version=4)


def checked_cells(notebook):
    return [cell for cell in notebook.cells if "parevo" in cell.metadata]


def html_of(cell) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in cell.get("outputs", []))


def text_of(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []))


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
    assert (tmp_path / ".parevo" / "tasks").is_dir()  # the magics wrote into tmp, not the repo
    for cell in notebook.cells:  # notebook 05: the evolution found a correct parallel kernel
        if "results" in cell.metadata.get("tags", []):
            text = text_of(cell)
            assert re.search(r"first correct parallel candidate after \d+ evaluations", text), text
            assert "def kernel(offsets, values)" in text, text  # best.py, printed
