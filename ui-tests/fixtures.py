"""What the Galata server starts with: a work folder and a 1,000-candidate run.

The big run is made of real candidate sources (the seed and 999 variants of it) written with the
store's own API; its verdicts and speedups are drawn at random and say so in their labels. It only
measures how fast the panel shows and switches candidates, never a kernel's speed.
"""

import json
import random
import sys
from pathlib import Path

BIG_NOTEBOOK = "big-run.ipynb"
BOTH_NOTEBOOK = "both-views.ipynb"  # a small run shown by the panel and by the widget
# the task of the server tests: a loop that scales a vector
TASK = (Path(__file__).parents[1] / "tests" / "kernels" / "scale_task.py").read_text()


def big_run(
    work_dir: Path,
    root_dir: Path,
    candidates: int = 1000,
    name: str = "big-run",
    notebook_name: str = BIG_NOTEBOOK,
    widget: bool = False,
) -> None:
    """A synthetic finished run of ``candidates`` candidates in the server's work folder, linked to
    ``notebook_name`` in the root folder; with ``widget`` the notebook's one cell shows the same
    run folder in the notebook Workbench."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from parevo_lab.kernel import Kernel
    from parevo_lab.server.jobs import write_json
    from parevo_lab.store import Store
    from parevo_lab.task import load_task

    folder = work_dir / "runs" / f"{name}-20261127-000000-0000"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "task.py").write_text(TASK)
    task = load_task(folder / "task.py")
    write_json(
        folder / "request.json",
        {
            "id": folder.name,
            "kind": "run",
            "created": "2026-11-27T00:00:00+00:00",
            "state": "exited",
            "settings": {"name": name, "notebook": notebook_name, "budget": candidates},
        },
    )
    rng = random.Random(0)
    with Store(folder / "run.sqlite") as store:
        run_id = store.create_run(task, "rules", 0, {"synthetic": True})
        ids = []
        for i in range(candidates):
            source = TASK.replace("def reference", "def kernel") + f"\n# variant {i}\n"
            parent = rng.choice(ids) if ids else None
            ids.append(
                store.add_candidate(
                    run_id,
                    task,
                    Kernel(source=source, function="kernel"),
                    parent_id=parent,
                    origin="seed" if parent is None else "rules",
                    label=f"synthetic variant {i} (UI timing only)",
                    family=rng.choice(["prange", "privatise", "blocks", "scan"]),
                )
            )
        with store.db:
            for candidate_id in ids:
                verdict = rng.choice(["ok", "ok", "ok", "race", "wrong", "compile_error"])
                speedup = round(rng.uniform(0.5, 2.0), 3) if verdict == "ok" else None
                store.db.execute(
                    "UPDATE candidates SET verdict = ?, speedup = ?, threads = 2 WHERE id = ?",
                    (verdict, speedup, candidate_id),
                )
        store.set_run_status(run_id, "finished", "synthetic run for the UI timing")
    cells = []
    if widget:
        source = f"from parevo_lab import Workbench\nWorkbench({str(folder)!r})"
        cells.append(
            {
                "cell_type": "code",
                "metadata": {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
        )
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (root_dir / notebook_name).write_text(json.dumps(notebook))
