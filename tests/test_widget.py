"""The notebook layer: the anywidget Workbench, the magics and the Python API, in real kernels.

A real run (real numba compiles, real sandboxed children) feeds every test; notebooks are executed
by nbclient in a real IPython kernel, which records the widget state exactly as a saved notebook
holds it.
"""

import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

from parevo_lab.evolution import Budget, evolve
from parevo_lab.kernel import Kernel, load_kernel
from parevo_lab.metrics import sample_of
from parevo_lab.report.display import evolve_html
from parevo_lab.results import Report, from_dict
from parevo_lab.rundir import candidate_detail, read_run
from parevo_lab.store import Store
from parevo_lab.task import load_task
from parevo_lab.widget import STATIC, Workbench

KERNELS = Path(__file__).parent / "kernels"
TASK = KERNELS / "scale_task.py"
RACY = KERNELS / "scale_racy.py"


def _execute(cells: list[str], folder: Path, timeout: int = 240) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=[new_code_cell(c) for c in cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    return notebook


def _texts(cell, mime: str) -> list[str]:
    return [o["data"][mime] for o in cell.get("outputs", []) if mime in o.get("data", {})]


def _widget_states(notebook) -> list[dict]:
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    return [m["state"] for m in state.values() if m["model_name"] == "AnyModel"]


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    """A real run of the scale task: the seed, a racy candidate added by hand, two rules moves."""
    from parevo_lab.cascade import CheckOptions

    out = tmp_path_factory.mktemp("widget") / "run"
    evolve(
        load_task(TASK),
        budget=Budget(evaluations=4),
        out=out,
        manual=[load_kernel(str(RACY))],
        options=CheckOptions(threads=[1, 2], budget_s=0.2),
    )
    return out


def test_every_view_of_the_run_holds_to_the_one_schema(run_folder):
    """The run folder's state (REST, widget, reports) and ``parevo evolve --json``'s rows are
    the shapes of parevo_lab/schema.py, from which the TypeScript types are generated."""
    import jsonschema

    from parevo_lab.evolution import Engine, EvolveResult
    from parevo_lab.schema import CANDIDATE, RUN_STATE, best_of, best_row
    from parevo_lab.store import Store

    state = read_run(run_folder)
    jsonschema.validate(state, RUN_STATE)
    assert state["population"] == len(state["candidates"]) == 4
    with Store(run_folder / "run.sqlite") as store:
        engine = Engine(store, load_task(TASK), None, state["run"], Budget())
        candidates = engine.candidates()
    result = EvolveResult(state["run"], load_task(TASK), candidates, "budget", 1.0)
    rows = result.to_dict()["candidates"]
    for row in rows:
        jsonschema.validate(row, CANDIDATE)
    assert rows == state["candidates"]  # the same rows, whichever road they took
    assert best_row(best_of(candidates)) == state["best"] == best_row(best_of(rows))
    assert result.to_dict()["best"]["id"] == state["best"]["id"]


def test_workbench_shows_the_run_and_follows_the_best(run_folder):
    wb = Workbench(run_folder, follow=False)
    assert wb.run["status"] == "finished"
    assert wb.run["evaluations"] == len(wb.candidates) == 4
    assert wb.run["settings"]["budget"]["evaluations"] == 4
    assert wb.run["task"] == "scale_task"
    assert {c["state"] for c in wb.candidates} == {"evaluated"}
    # the widget syncs the one view of the run (rundir.py), unrendered
    state = read_run(run_folder)
    assert wb.candidates == state.pop("candidates")
    assert wb.run == state
    # nothing picked by hand: the best is shown, with the sources to diff and the plot's numbers
    assert wb.selected == wb.run["best"]["id"]
    assert wb.detail["id"] == wb.selected
    rest = candidate_detail(run_folder, wb.selected)  # what GET runs/ID/candidates/N serves
    assert {k: v for k, v in rest.items() if k != "figure"} == {
        k: v for k, v in wb.detail.items() if k != "figure"
    }
    assert wb.detail["figure"] is None  # the widget draws its own plot: no plotly JSON synced
    before = (wb.detail["parent"] or {}).get("source") or wb.detail["reference"]
    assert before and wb.detail["source"] and before != wb.detail["source"]
    vs = wb.detail["report"]["profile"]["speedup"]["vs_serial"]
    assert sorted(int(p) for p in vs) == [1, 2]
    assert all({"value", "ci_low", "ci_high", "significant"} <= set(v) for v in vs.values())
    assert "Workbench(" in repr(wb) and "finished" in repr(wb)
    figure = wb.figure()
    assert figure.data[0].x == (1, 2)


def test_selecting_a_racy_candidate_shows_its_race_trace(run_folder):
    wb = Workbench(run_folder, follow=False)
    racy = next(c for c in wb.candidates if c["verdict"] == "race")
    wb.selected = racy["id"]
    assert wb.detail["verdict"] == "race"
    races = wb.detail["report"]["races"]
    assert races["status"] == "races"
    entry = next(e for e in races["entries"] if e["array"] == "out")
    # both sites, by line of the candidate: what the race list highlights in the diff
    lines = wb.detail["source"].splitlines()
    for site in (entry["first"], entry["second"]):
        assert "out[" in lines[site["line"] - 1]
    assert wb.detail["parent"] is None  # added by hand: the diff is against the task's reference
    assert "def reference" in wb.detail["reference"]
    assert "prange" in wb.detail["source"] and "prange" not in wb.detail["reference"]
    # the person chose: a refresh keeps the choice instead of jumping back to the best
    wb.refresh()
    assert wb.selected == racy["id"]
    # a racy kernel is still timed (what the race would cost to fix is worth seeing)
    assert wb.figure().layout.title.text.startswith(f"#{racy['id']} added by hand")


def test_export_this_run_writes_the_datasets_of_parevo_export(run_folder, tmp_path):
    wb = Workbench(run_folder, follow=False)
    summary = wb.export(tmp_path / "data", kinds=("repair",))
    assert summary["records"]["repair"] >= 2 and wb.exported == summary
    assert (tmp_path / "data" / "repair.jsonl").is_file()
    # the widget's button sends {"action": "export"}: the run folder's dataset/, the same files
    wb._on_message(wb, {"action": "export"}, [])
    assert wb.exported["out"] == str(run_folder / "dataset") and wb.error == ""
    assert (run_folder / "dataset" / "README.md").is_file()
    race = [
        json.loads(line)
        for line in (run_folder / "dataset" / "repair.jsonl").read_text().splitlines()
        if json.loads(line)["candidate_verdict"] == "race"
    ]
    assert all(r["feedback"]["race"]["array"] for r in race)


def test_workbench_errors_name_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="no run folder at .*--out folder"):
        Workbench(tmp_path / "nowhere")
    empty = tmp_path / "empty"
    empty.mkdir()
    wb = Workbench(empty, follow=False)
    assert wb.run["status"] == "waiting"
    assert wb.candidates == []
    # following a folder where no run ever begins ends, and says so, instead of polling forever
    waiting = Workbench(empty, poll_s=0.05, wait_s=0.2)
    waiting._thread.join(timeout=10)
    assert not waiting.following
    assert "no run began in" in waiting.error


def test_the_widget_module_is_small():
    files = (STATIC / "workbench.js", STATIC / "workbench.css")
    missing = [p.name for p in files if not p.is_file()]
    assert not missing, f"{missing} not built: run `jlpm build:widget` (esbuild, src/widget.ts)"
    size = sum(p.stat().st_size for p in files)
    print(f"widget ES module + CSS: {size / 1024:.1f} kB (limit 200 kB)")
    assert size <= 200 * 1024
    text = (STATIC / "workbench.js").read_text()
    assert "plotly" not in text.lower()
    assert re.search(r"export\s*\{[^}]*\bas default\b|export default", text)
    # the JupyterLab panel's own renderers, and its stylesheet with fallbacks outside JupyterLab
    assert "jp-ParevoTable" in text and "jp-ParevoPlot-svg" in text
    css = (STATIC / "workbench.css").read_text()
    assert ".jp-ParevoWorkbench" in css and re.search(r"var\(\s*--jp-layout-color1\s*,", css)


def _two_hundred(run_folder: Path, out: Path) -> Path:
    """A 200-candidate run made of the real run's sources and reports (recorded again)."""
    with Store(run_folder / "run.sqlite") as store:
        run = store.runs()[-1]
        rows = store.candidates(run["id"])
        reports = [from_dict(Report, store.report(r["evaluation_id"])) for r in rows]
        sources = [store.kernel_source(r["source_hash"]) for r in rows]
    task = load_task(TASK)
    out.mkdir()
    with Store(out / "run.sqlite") as store:
        run_id = store.create_run(task, "rules", 0, {"budget": {"evaluations": 200}})
        ids = []
        for i in range(200):
            k = i % len(rows)
            kernel = Kernel(source=sources[k] + f"\n# variant {i}\n", function="kernel")
            candidate = store.add_candidate(
                run_id,
                task,
                kernel,
                parent_id=ids[i // 2] if ids else None,
                origin="seed" if not ids else "rules",
                label=rows[k]["label"],
                family=rows[k]["family"],
            )
            ids.append(candidate)
            store.finish_candidate(candidate, task, kernel, reports[k], sample_of(reports[k]))
        store.set_run_status(run_id, "finished", "evaluation budget spent (200)")
    return out


def test_a_saved_notebook_with_a_200_candidate_workbench_stays_under_1_mb(run_folder, tmp_path):
    big = _two_hundred(run_folder, tmp_path / "big")
    notebook = _execute(
        [f"from parevo_lab import Workbench\nWorkbench({str(big)!r})"], tmp_path, timeout=120
    )
    path = tmp_path / "saved.ipynb"
    nbformat.write(notebook, path)
    size = path.stat().st_size
    print(f"saved notebook with a 200-candidate Workbench: {size / 1024:.0f} kB (limit 1 MB)")
    assert size <= 1024 * 1024
    (state,) = _widget_states(notebook)
    assert len(state["candidates"]) == 200
    assert state["run"]["evaluations"] == 200
    assert state["detail"]["id"] == state["selected"]
    assert "text/plain" in notebook.cells[0].outputs[0]["data"]


def test_magics_check_a_cell_and_evolve_the_task(tmp_path):
    task = TASK.read_text()
    racy = RACY.read_text()
    good = racy.replace("        out[0] = 2.0 * x[0] + 1.0\n", "")
    notebook = _execute(
        [
            "%load_ext parevo_lab",
            "%%parevo_check\n" + good,  # before any task
            "%%parevo_task scale\n" + task,
            "reference(np.arange(3.0))",  # the task cell ran in the kernel
            "%%parevo_check --threads 1,2 --no-profile\n" + racy,
            "%%parevo_check --threads 1,2 --profile-budget 0.2\n" + good,
            "%%parevo_check --threads one\n" + good,
            "%%parevo_check --no-profile --function missing\n" + good,
            '%%parevo_check --function "kernel\n' + good,
            "%parevo_evolve --budget 2 --threads 1,2",
            "print(parevo_last_run.evaluations, parevo_last_check.verdict)",
        ],
        tmp_path,
    )
    cells = notebook.cells
    assert "no task yet: run a %%parevo_task cell first" in _texts(cells[1], "text/plain")[0]
    assert "task scale ready" in _texts(cells[2], "text/plain")[0]
    assert "array([1., 3., 5.])" in _texts(cells[3], "text/plain")[0]
    race_html = _texts(cells[4], "text/html")[0]
    assert ">race</span>" in race_html and "WARNING: ParEVO race" in race_html
    assert _texts(cells[4], "text/plain")[0].startswith("Report(race:")
    ok_html = _texts(cells[5], "text/html")[0]
    assert (
        ">ok</span>" in ok_html
        and "vs serial (95% CI)" in ok_html
        and "self: over 1 thread" in ok_html
    )
    assert "--threads 'one': give thread counts like 1,2,4" in _texts(cells[6], "text/plain")[0]
    missing = _texts(cells[7], "text/html")[0]
    assert ">compile_error</span>" in missing and "no function `missing`" in missing
    assert "No closing quotation; close the quote" in _texts(cells[8], "text/plain")[0]
    assert "finished, 2 evaluations" in _texts(cells[9], "text/plain")[0]
    assert cells[10].outputs[0]["text"].strip() == "2 compile_error"
    (state,) = _widget_states(notebook)
    assert state["run"]["status"] == "finished" and len(state["candidates"]) == 2
    # the kernel cell never ran in the notebook's kernel, the files went under .parevo/
    saved = (tmp_path / ".parevo" / "tasks" / "scale.py").read_text()
    assert saved == "# %%parevo_task scale\n" + task
    # line numbers are the cell's: the magic's line is line 1, the racy write is line 10
    assert "   10 |         out[0] = 2.0 * x[0] + 1.0" in race_html
    assert (tmp_path / "runs" / "scale" / "run.sqlite").exists()


def test_the_workbench_follows_a_run_another_process_writes(tmp_path):
    """The widget's thread polls the run; its updates reach the client (recorded by nbclient)."""
    out = tmp_path / "live"
    argv = [
        sys.executable, "-m", "parevo_lab.cli", "evolve", str(TASK), "--budget", "2",
        "--out", str(out), "--threads", "1,2", "--profile-budget", "0.2",
    ]  # fmt: skip
    notebook = _execute(
        [
            "import subprocess, time\nfrom pathlib import Path\nfrom parevo_lab import Workbench\n"
            f"process = subprocess.Popen({argv!r})\n"
            f"while not Path({str(out)!r}).is_dir(): time.sleep(0.1)",
            f"wb = Workbench({str(out)!r}, poll_s=0.3)\nwb.following",
            "process.wait()\nwhile wb.following: time.sleep(0.2)\nprocess.returncode",
        ],
        tmp_path,
    )
    assert _texts(notebook.cells[1], "text/plain")[0] == "True"
    assert _texts(notebook.cells[2], "text/plain")[0] in ("0", "1")
    (state,) = _widget_states(notebook)
    assert state["run"]["status"] == "finished"
    assert state["run"]["evaluations"] == 2
    assert state["following"] is False


def test_notebook_api_needs_no_widget_outside_a_notebook(tmp_path):
    import parevo_lab

    result = parevo_lab.evolve(
        TASK, budget=1, out=tmp_path / "run", threads=[1, 2], budget_s=0.2, profile=False
    )
    assert result.evaluations == 1
    assert "scale_task" in evolve_html(result)
    assert os.fspath(result.out).endswith("run")
    json.dumps(result.to_dict())


def test_the_audit_magic_shows_each_wrong_kernel_the_task_accepts(tmp_path):
    weak = (KERNELS / "audit" / "weak_xor_task.py").read_text()
    notebook = _execute(
        [
            "%load_ext parevo_lab",
            "%parevo_audit",  # before any task
            "%%parevo_task weakxor\n" + weak,
            "%parevo_audit --timeout 5 --bogus",
            "%parevo_audit --timeout 5",
            "print(parevo_last_audit.counts['survived'], parevo_last_audit.score < 1)",
        ],
        tmp_path,
    )
    cells = notebook.cells
    assert "no task yet: run a %%parevo_task cell first" in _texts(cells[1], "text/plain")[0]
    assert "unknown option --bogus" in _texts(cells[3], "text/plain")[0]
    html = _texts(cells[4], "text/html")[0]
    assert "Audit of task weakxor" in html and "wrong kernel your inputs call ok" in html
    assert "xor_to_or" in html and "both sides hold at once" in html
    assert _texts(cells[4], "text/plain")[0].startswith("audit of weakxor: mutation score 0.")
    survived, weak_score = cells[5].outputs[0]["text"].split()
    assert int(survived) > 0 and weak_score == "True"
    assert list((tmp_path / ".parevo" / "audits" / "weakxor").glob("m*_xor_to_or.py"))
