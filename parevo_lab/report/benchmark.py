"""Benchmark results (``parevo bench``) as a terminal table, and as files for a paper:
CSV, Markdown and LaTeX tables of tasks and metrics, plotly figures, and the JSON of it all."""

from __future__ import annotations

import json
from pathlib import Path

from . import figures, tables
from .tables import fraction, ratio, text


def task_columns() -> list[tables.Column]:
    return [
        ("id", "task", text),
        ("category", "category", text),
        ("verdict", "verdict", text),
        ("correct", "correct", text),
        ("speedup", "speedup", ratio),
        ("threads", "threads", text),
        ("speedup_max", "best speedup", ratio),
        ("threads_max", "at threads", text),
        ("reference_ms", "serial ms", text),
    ]


def metric_rows(data: dict) -> tuple[list[dict], list[tables.Column]]:
    """One row for all tasks, one per suite and one per category, with every metric at every k."""
    ks = data["k"]
    m = data["metrics"]
    rows = [{"group": "all", **m["overall"]}]
    rows += [{"group": f"suite {name}", **v} for name, v in m["by_suite"].items()]
    rows += [{"group": name, **v} for name, v in m["by_category"].items()]
    columns: list[tables.Column] = [("group", "group", text), ("tasks", "tasks", text)]
    for k in ks:
        columns += [
            (f"pass@{k}", f"pass@{k}", fraction),
            (f"build@{k}", f"build@{k}", fraction),
            (f"speedup_n@{k}", f"speedup_n@{k}", ratio),
            (f"efficiency_n@{k}", f"efficiency_n@{k}", fraction),
            (f"speedup_max@{k}", f"speedup_max@{k}", ratio),
        ]
    return rows, columns


def render(data: dict) -> str:
    """The terminal view: one line per task, then the metrics overall and per category."""
    lines = []
    width = max((len(t["id"]) for t in data["tasks"]), default=10)
    for t in data["tasks"]:
        speed = ratio(t["speedup"]) if t["speedup"] else "-"
        at = f" at {t['threads']} threads" if t["threads"] else ""
        lines.append(f"{t['id']:<{width}}  {t['verdict']:<14} {speed:>8}{at}")
    rows, columns = metric_rows(data)
    lines += ["", f"solver {data['solver']}: {len(data['tasks'])} tasks in {data['seconds']} s"]
    header = [h for _, h, _ in columns]
    body = [[fmt(r.get(k)) for k, _, fmt in columns] for r in rows]
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(header)]
    lines.append(
        "  ".join(
            h.rjust(w) if i else h.ljust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    for row in body:
        lines.append(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    ceiling = (data.get("machine") or {}).get("ceiling") or {}
    if ceiling.get("compute_speedup"):
        shown = ", ".join(f"{p} threads {v:.2f}x" for p, v in ceiling["compute_speedup"].items())
        lines.append(f"this machine's ceiling (compute-bound kernel): {shown}")
    return "\n".join(lines)


def write(data: dict, folder: Path) -> list[Path]:
    """Write results.json, tasks.{csv,md,tex}, metrics.{csv,md,tex} and the figures."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def save(name: str, content: str) -> None:
        path = folder / name
        path.write_text(content, encoding="utf-8")
        written.append(path)

    save("results.json", json.dumps(data, indent=1))
    tasks, columns = data["tasks"], task_columns()
    caption = f"ParEVO Lab benchmark, solver {data['solver']}: speedup over serial numba"
    save("tasks.csv", tables.to_csv(tasks, columns))
    save("tasks.md", tables.to_markdown(tasks, columns))
    save("tasks.tex", tables.to_latex(tasks, columns, caption, "tab:parevo-tasks"))
    rows, columns = metric_rows(data)
    caption = f"ParEVO Lab benchmark, solver {data['solver']}: ParEval metrics"
    save("metrics.csv", tables.to_csv(rows, columns))
    save("metrics.md", tables.to_markdown(rows, columns))
    save("metrics.tex", tables.to_latex(rows, columns, caption, "tab:parevo-metrics"))
    ceiling = (data.get("machine") or {}).get("ceiling") or {}
    written += figures.write(figures.speedup_per_task(tasks, ceiling), folder, "speedup_per_task")
    written += figures.write(
        figures.speedup_by_category(tasks, ceiling), folder, "speedup_by_category"
    )
    return written
