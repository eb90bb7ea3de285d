"""Benchmark results (``parevo bench``) as a terminal table, and as files for a paper:
CSV, Markdown and LaTeX tables of tasks and metrics, plotly figures, and the JSON of it all;
``load`` and ``document`` make the report of a ``parevo bench --out`` folder (the strings of its
results escaped for Markdown, ``escape``; kernels in fenced blocks, never code cells)."""

from __future__ import annotations

import json
from pathlib import Path

from . import against, figures, tables
from .escape import code_span, fence, md_cell
from .notebook import Document, ReportError, ceiling_text
from .tables import fraction, ratio, text

RESULTS_FILE = "results.json"


def task_columns() -> list[tables.Column]:
    return [
        ("id", "task", text),
        ("category", "category", text),
        ("verdict", "verdict", text),
        ("correct", "correct", text),
        ("speedup", "speedup", ratio),
        ("threads", "threads", text),
        ("projected", "projected", lambda v: "yes" if v else ""),  # --target-threads beyond cores
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


def headline(overall: dict) -> list[str]:
    """The figures a reader quotes: faster@1 (and how many of those are beyond the noise), the
    geomean speedup, and for evolved solvers the evaluations to a first correct candidate and the
    best's gain over it."""
    lines = []
    if overall.get("faster@1") is not None:
        line = f"faster than serial numba (faster@1): {fraction(overall['faster@1'])} of tasks"
        if overall.get("faster_significant@1") is not None:
            line += f", {fraction(overall['faster_significant@1'])} with the 95% CI above 1"
        lines.append(line)
    if overall.get("speedup_n_geomean@1"):
        lines.append(
            f"geomean speedup_n@1 over timed tasks: {ratio(overall['speedup_n_geomean@1'])}"
        )
    if overall.get("first_ok_median") is not None:
        lines.append(
            f"first correct candidate after a median {overall['first_ok_median']:g} evaluations"
            f" ({overall.get('first_ok_found', 0)} evolutions found one)"
        )
    if overall.get("best_over_first_median"):
        lines.append(
            "the best over the first correct candidate: a median "
            f"{ratio(overall['best_over_first_median'])}"
        )
    return lines


def render(data: dict) -> str:
    """The terminal view: one line per task, then the metrics overall and per category."""
    lines = []
    width = max((len(t["id"]) for t in data["tasks"]), default=10)
    for t in data["tasks"]:
        speed = ratio(t["speedup"]) if t["speedup"] else "-"
        at = f" at {t['threads']} threads" if t["threads"] else ""
        if t.get("projected"):
            at = f" projected{at}"
        if t.get("kept_seed") and t["speedup"] and t["speedup"] < 1:
            at += " (slower: the run's best stays the serial reference)"
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
    lines += headline(data["metrics"]["overall"])
    if data.get("target_threads") and any(t.get("projected") for t in data["tasks"]):
        lines.append(
            f"speedups at {data['target_threads']} threads beyond the cores here are projected by "
            "the scaling model (docs/scaling.md), not measured"
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

    save(RESULTS_FILE, json.dumps(data, indent=1))
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


def load(folder) -> dict:
    """The results of a ``parevo bench --out`` folder; raises ReportError when it has none."""
    path = Path(folder) / RESULTS_FILE
    if not path.is_file():
        raise ReportError(
            f"{folder} has no {RESULTS_FILE}: give the folder that `parevo bench --solver S "
            "--out DIR` wrote"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path} is not JSON ({exc}): rerun `parevo bench --out`") from None
    missing = [k for k in ("solver", "k", "metrics", "tasks") if k not in data]
    if not isinstance(data, dict) or missing:
        raise ReportError(f"{path} lacks {', '.join(missing)}: it was not written by parevo bench")
    return data


def _machine_text(machine: dict) -> str:
    parts = [
        machine.get("platform") or "?",
        f"{machine.get('usable_cores', '?')} usable cores",
        f"numba {machine.get('numba', '?')}",
        f"parevo-lab {machine.get('parevo_lab', '?')}",
    ]
    return ", ".join(parts)


MAX_KERNELS_SHOWN = 5  # the fastest tasks whose best kernel the report prints in full


def _best_sample(task: dict) -> dict | None:
    timed = [s for s in task["samples"] if s.get("correct") and s.get("speedup_n")]
    return max(timed, key=lambda s: s["speedup_n"]) if timed else None


def _best_kernels(doc: Document, tasks: list[dict]) -> None:
    """The fastest correct candidate of every task (its file), the fastest few in full."""
    best = [(t, s) for t in tasks if (s := _best_sample(t)) and s.get("candidate")]
    if not best:
        return
    best.sort(key=lambda ts: -ts[1]["speedup_n"])
    doc.markdown(
        "## Best kernels\n\nThe fastest correct candidate of each task:\n\n"
        + "\n".join(
            f"- {code_span(t['id'])}: {_speed(s)}, {code_span(s['candidate'])}" for t, s in best
        )
    )
    for t, s in best[:MAX_KERNELS_SHOWN]:
        try:
            source = Path(s["candidate"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # moved or deleted since the benchmark ran: the list above still names it
        doc.markdown(
            f"### {code_span(t['id'])}: {_speed(s)}\n\n" + fence(source.strip("\n"), "python")
        )


def _against(doc: Document, data: dict, other: dict, other_folder) -> None:
    comparison = against.compare(data, other)
    summary = comparison["summary"]
    solver, other_solver = summary["solver"], summary["other_solver"]
    doc.markdown(
        f"## Against {md_cell(other_solver)}\n\n"
        + "\n".join(f"- {md_cell(line)}" for line in against.headline(summary))
        + f"\n\nThe other benchmark: {code_span(str(other_folder))}. "
        + against.HOW_COUNTED
    )
    doc.code(
        "from parevo_lab.report import against\n\n"
        f"other = benchmark.load({str(Path(other_folder).resolve())!r})\n"
        "comparison = against.compare(data, other)\n"
        "suites = {t['id']: t['suite'] for t in data['tasks'] + other['tasks']}"
    )
    suites = {t["id"]: t.get("suite") for t in data["tasks"] + other["tasks"]}
    doc.figure(
        "against",
        against.scatter(comparison["rows"], solver, other_solver, suites),
        f"against.scatter(comparison['rows'], {solver!r}, {other_solver!r}, suites)",
    )
    doc.table(
        "against",
        comparison["rows"],
        against.columns(solver, other_solver),
        f"ParEVO Lab benchmark: {solver} against {other_solver}, speedup over serial numba",
    )


def _speed(sample: dict) -> str:
    how = "projected at" if sample.get("projected") else "at"
    return md_cell(f"{sample['speedup_n']:.2f}x {how} {sample['threads']} threads")


def document(data: dict, folder, other: dict | None = None, other_folder=None) -> Document:
    """The benchmark's report: the machine and its ceiling, the metrics, the speedup figures, the
    per-task table, the best kernels and the tasks without a correct candidate; with ``other``
    (another benchmark's results, from ``other_folder``) a section comparing the two per task."""
    tasks = data["tasks"]
    machine = data.get("machine") or {}
    ceiling = machine.get("ceiling") or {}
    solved = sum(1 for t in tasks if t["verdict"] == "ok")
    doc = Document(f"ParEVO Lab benchmark report: solver {data['solver']}")
    doc.markdown(
        "\n".join(
            [
                f"- **solver** {md_cell(data['solver'])}, **samples per task** "
                f"{md_cell(max(data['k']))}, metrics at k = {md_cell(', '.join(map(str, data['k'])))}",
                f"- **tasks** {len(tasks)}, {solved} with a correct candidate; "
                f"{md_cell(data.get('seconds', '?'))} s in all",
                f"- **machine** {md_cell(_machine_text(machine))}",
                f"- **machine ceiling** {md_cell(ceiling_text(ceiling))}",
            ]
        )
    )
    doc.code(
        "from parevo_lab.report import benchmark, figures\n\n"
        f"data = benchmark.load({str(Path(folder).resolve())!r})\n"
        "ceiling = data['machine'].get('ceiling') or {}"
    )
    rows, columns = metric_rows(data)
    doc.markdown("## Metrics")
    doc.table(
        "metrics",
        rows,
        columns,
        f"ParEVO Lab benchmark, solver {data['solver']}: ParEval metrics",
    )
    if other is not None:
        _against(doc, data, other, other_folder)
    doc.markdown("## Speedup over serial numba")
    doc.figure(
        "speedup_per_task",
        figures.speedup_per_task(tasks, ceiling),
        "figures.speedup_per_task(data['tasks'], ceiling)",
    )
    doc.figure(
        "speedup_by_category",
        figures.speedup_by_category(tasks, ceiling),
        "figures.speedup_by_category(data['tasks'], ceiling)",
    )
    doc.markdown("## Tasks")
    doc.table(
        "tasks",
        tasks,
        task_columns(),
        f"ParEVO Lab benchmark, solver {data['solver']}: speedup over serial numba",
    )
    _best_kernels(doc, tasks)
    failed = [t for t in tasks if t["verdict"] != "ok"]
    if failed:
        lines = []
        for t in failed:
            summary = next((s.get("summary") for s in t["samples"] if s.get("summary")), "")
            lines.append(
                f"- {code_span(t['id'])} **{md_cell(t['verdict'])}**"
                + (f": {md_cell(summary)}" if summary else "")
            )
        doc.markdown("## Tasks without a correct candidate\n\n" + "\n".join(lines))
    if any(Path(folder).glob("runs/*/*/sample-*/run.sqlite")):  # the runs of a generator
        doc.markdown(
            "## As datasets\n\nThe runs' verified candidates, the pairs their measurements order "
            "and their repairs, with a dataset card (docs/datasets.md); the same files as "
            f"`parevo export {md_cell(str(folder))} -o {md_cell(str(Path(folder) / 'dataset'))}`."
        )
        doc.code(
            "from parevo_lab.export import export\n\n"
            f"export([{str(Path(folder).resolve())!r}], "
            f"{str(Path(folder).resolve() / 'dataset')!r})['records']"
        )
    return doc
