"""One benchmark against another (``parevo report --bench DIR --against OTHER``): per task, the
speedup each solver hands the user, their ratio, and the geometric mean of the ratios overall and
per suite; with a scatter of one against the other. The usual question it answers: how close do
the evolved kernels come to the expert ones (``--solver rules`` against ``--solver expert``)?
"""

from __future__ import annotations

import math

from . import tables
from .escape import plotly as _text
from .figures import PALETTE
from .tables import ratio, text

HOW_COUNTED = (
    "What a solver hands the user is its best correct candidate, except where an evolution kept "
    "its seed (the serial reference: no generated candidate was correct, or none beat the "
    "reference on the final re-timing): that task counts as 1.00x, the speed of what best.py "
    "holds. A task without a correct candidate and no seed to fall back on (a fixed solver such "
    "as expert) is left out of the ratios and named."
)


def delivered(task: dict) -> tuple[float | None, str]:
    """The speedup of what the solver hands out for this task, and a note when that is not its
    best candidate's own figure ("seed kept": the serial reference, 1.00x)."""
    samples = task.get("samples") or []
    evolved = any("evaluations" in s for s in samples)
    if task.get("kept_seed") or (
        evolved and task.get("speedup") is None and all(s.get("kept_seed") for s in samples)
    ):
        return 1.0, "seed kept"
    if task.get("verdict") == "ok" and task.get("speedup"):
        return float(task["speedup"]), ""
    return None, task.get("verdict") or "missing"


def _geomean(values: list[float]) -> float | None:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def compare(data: dict, other: dict) -> dict:
    """Rows (one per task of either benchmark, in the first's order) and the summary: tasks
    compared, the geometric mean of this / other overall and per suite, how many tasks this one
    is faster on, and the tasks only one of them has."""
    solver, other_solver = data["solver"], other["solver"]
    if solver == other_solver:  # two runs of one solver: the table's columns must differ
        solver, other_solver = f"{solver} (this)", f"{other_solver} (other)"
    theirs = {t["id"]: t for t in other["tasks"]}
    rows, ratios_by_suite = [], {}
    ids = [t["id"] for t in data["tasks"]]
    ids += [i for i in theirs if i not in set(ids)]
    mine_by_id = {t["id"]: t for t in data["tasks"]}
    for task_id in ids:
        mine, note = delivered(mine_by_id[task_id]) if task_id in mine_by_id else (None, "not run")
        them, other_note = delivered(theirs[task_id]) if task_id in theirs else (None, "not run")
        notes = [f"{who}: {n}" for who, n in ((solver, note), (other_solver, other_note)) if n]
        row = {"id": task_id, "this": mine, "other": them, "note": "; ".join(notes)}
        row["seed_kept"] = note == "seed kept"
        if mine and them:
            row["ratio"] = mine / them
            task = mine_by_id[task_id]
            ratios_by_suite.setdefault(task.get("suite") or "?", []).append(row["ratio"])
        rows.append(row)
    ratios = [v for vs in ratios_by_suite.values() for v in vs]
    compared = [r for r in rows if r.get("ratio")]
    summary = {
        "solver": solver,
        "other_solver": other_solver,
        "tasks": len(rows),
        "compared": len(compared),
        "geomean_ratio": _geomean(ratios),
        "by_suite": {s: _geomean(vs) for s, vs in sorted(ratios_by_suite.items())},
        "faster": sum(1 for v in ratios if v > 1.0),
        "seed_kept": sum(1 for r in rows if r["seed_kept"]),
        "this_geomean": _geomean([r["this"] for r in compared]),
        "other_geomean": _geomean([r["other"] for r in compared]),
        "left_out": [r["id"] for r in rows if not r.get("ratio")],
    }
    return {"rows": rows, "summary": summary}


def columns(solver: str, other_solver: str) -> list[tables.Column]:
    return [
        ("id", "task", text),
        ("this", solver, ratio),
        ("other", other_solver, ratio),
        ("ratio", f"{solver} / {other_solver}", lambda v: "-" if v is None else f"{v:.2f}"),
        ("note", "note", lambda v: v or ""),
    ]


def headline(summary: dict) -> list[str]:
    """The sentences a reader quotes."""
    s = summary
    if not s["compared"]:
        return [f"no task has a timed result from both {s['solver']} and {s['other_solver']}"]
    suites = ", ".join(f"{name} {v:.2f}" for name, v in s["by_suite"].items())
    lines = [
        f"{s['solver']} against {s['other_solver']}: geomean ratio {s['geomean_ratio']:.2f} over "
        f"{s['compared']} tasks ({suites}); {s['solver']} faster on {s['faster']}",
        f"geomean speedup over the same tasks: {s['solver']} {s['this_geomean']:.2f}x, "
        f"{s['other_solver']} {s['other_geomean']:.2f}x",
    ]
    if s["seed_kept"]:
        lines.append(
            f"{s['seed_kept']} tasks where the evolution kept its seed count as 1.00x (what "
            "best.py holds: the serial reference)"
        )
    if s["left_out"]:
        lines.append(f"left out (no timed result on one side): {', '.join(s['left_out'])}")
    return lines


def scatter(rows: list[dict], solver: str, other_solver: str, suites: dict | None = None):
    """Each task as a point (x: the other solver's speedup, y: this one's, both log scale) with
    the diagonal y = x: above it this solver is faster."""
    import plotly.graph_objects as go

    both = [r for r in rows if r.get("ratio")]
    suites = suites or {}
    names = sorted({suites.get(r["id"], "?") for r in both})
    fig = go.Figure()
    for i, name in enumerate(names):
        points = [r for r in both if suites.get(r["id"], "?") == name]
        fig.add_scatter(
            x=[r["other"] for r in points],
            y=[r["this"] for r in points],
            mode="markers",
            name=_text(name),
            text=[_text(r["id"]) for r in points],
            marker={"color": PALETTE[i % len(PALETTE)], "size": 8},
            hovertemplate="%{text}<br>"
            + _text(other_solver)
            + " %{x:.2f}x<br>"
            + _text(solver)
            + " %{y:.2f}x<extra></extra>",
        )
    values = [v for r in both for v in (r["this"], r["other"])] or [1.0]
    low, high = min(values + [1.0]) / 1.2, max(values + [1.0]) * 1.2
    fig.add_scatter(
        x=[low, high],
        y=[low, high],
        mode="lines",
        line={"color": "#888888", "dash": "dash", "width": 1},
        name="equal",
        hoverinfo="skip",
    )
    fig.update_layout(
        title=f"{_text(solver)} against {_text(other_solver)}: speedup over serial numba"
        f"<br><sup>{len(both)} tasks; above the diagonal {_text(solver)} is faster</sup>",
        xaxis={"type": "log", "title": f"{_text(other_solver)} (x, log scale)"},
        yaxis={"type": "log", "title": f"{_text(solver)} (x, log scale)"},
        template="simple_white",
        legend_title_text="suite",
        height=480,
    )
    return fig
