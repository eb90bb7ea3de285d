"""What LLVM made of the suite's parallel loops, and what the compiled view costs a check.

    python benchmarks/compiled_view.py loops [--tasks GLOB] [--runs BENCH_DIR]
    python benchmarks/compiled_view.py cost [--repeat 3] [--tasks GLOB]

``loops``: the compiled view (``parevo explain``, one sandboxed child per task) of every expert
kernel of the suite: how many of their loops LLVM vectorised, and the findings of the others
(and the costs left in vectorised ones), as a table per finding. With ``--runs`` (the folder of a
``parevo bench --solver rules --out DIR`` run), the same for the best generated kernel of each
task, read from the reports its evolution stored, plus how many of all generated candidates
carry ``np.uint64`` casts, and how many of those a wraparound finding of their parent asked for.

``cost``: for a few tasks' experts, side by side in one run, the seconds of ``parevo check``
(no profile) with and without the compiled view, cold (a source numba has not cached: a comment
makes it new) and warm (the same source again: the view is read back from beside it). Target: a
warm check no more than 10% slower.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parevo_lab import suite  # noqa: E402
from parevo_lab.cascade import CheckOptions, evaluate  # noqa: E402
from parevo_lab.cascade.evaluate import explain  # noqa: E402
from parevo_lab.kernel import Kernel, load_kernel  # noqa: E402
from parevo_lab.task import load_task  # noqa: E402

EXPERT = ROOT / "parevo_lab" / "suite" / "expert"


def _experts(patterns):
    for entry in suite.select(suite.entries(), patterns):
        files = entry.candidate_in(EXPERT)
        if files:
            yield entry, load_task(entry.path), load_kernel(str(files[0]))


def _tally(views: dict[str, dict | None], title: str) -> None:
    loops = vectorised = 0
    first: collections.Counter = collections.Counter()  # the reason given first, per loop
    reasons: collections.Counter = collections.Counter()  # every reason, per loop
    costs: collections.Counter = collections.Counter()
    where: dict[str, set[str]] = collections.defaultdict(set)
    failed = [name for name, view in views.items() if not view or view.get("status") != "analysed"]
    for name, view in views.items():
        for loop in (view or {}).get("loops") or []:
            if loop.get("status") == "no_loop":
                continue
            loops += 1
            codes = [f["code"] for f in loop.get("findings") or []]
            if loop.get("status") == "vectorised":
                vectorised += 1
                costs.update(set(codes))
            else:
                first[codes[0] if codes else "(no reason given)"] += 1
                reasons.update(set(codes) or {"(no reason given)"})
            for code in set(codes):
                where[code].add(name.split("/")[-1][:24])
    print(f"\n## {title}: {len(views)} kernels, {loops} loops, {vectorised} vectorised "
          f"({100 * vectorised / max(loops, 1):.0f}%)")  # fmt: skip
    if failed:
        print(f"no view for {len(failed)}: {', '.join(failed)}")
    print(
        "\n| finding | not vectorised: the first reason | not vectorised: among the reasons "
        "| vectorised, still costs | e.g. |"
    )
    print("|---|---|---|---|---|")
    for code in sorted(
        set(reasons) | set(costs), key=lambda c: (-first[c], -reasons[c] - costs[c])
    ):
        print(
            f"| {code} | {first[code]} | {reasons[code]} | {costs[code]} | "
            f"{', '.join(sorted(where[code])[:3])} |"
        )


def loops_command(args) -> int:
    views = {}
    options = CheckOptions(threads=[1])
    for entry, task, candidate in _experts(args.tasks):
        compiled, view, seconds = explain(task, candidate, options)
        views[entry.id] = view.to_dict() if view else None
        status = "ok" if view else f"no view ({compiled.error.kind})"
        print(f"{entry.id}: {status} in {seconds:.1f} s", file=sys.stderr)
    _tally(views, "The suite's expert kernels")
    if args.save:
        Path(args.save).write_text(json.dumps(views))
    if args.runs:
        _generated(Path(args.runs))
    return 0


def _generated(folder: Path) -> None:
    from parevo_lab.report import run as run_report

    best_views, cast, asked, inherited, candidates = {}, 0, 0, 0, 0
    for database in sorted(folder.glob("runs/**/run.sqlite")):
        data = run_report.load(database.parent)
        run = database.parent.relative_to(folder / "runs")  # <suite>/<task>/sample-<s>
        name = str(run.parent) if run.name == "sample-0" else str(run)
        best = data.best
        if best is not None and best.get("origin") != "seed":
            best_views[name] = (data.reports.get(best["id"]) or {}).get("compiled")
        rows = {row["id"]: row for row in data.evaluated}

        def lineage_asked(row, rows=rows) -> bool:  # the move, or one of its ancestors' moves
            while row is not None:
                if "signed index wraparound" in (row.get("label") or ""):
                    return True
                row = rows.get(row.get("parent_id"))
            return False

        for row in data.evaluated:
            if row.get("origin") == "seed":
                continue
            candidates += 1
            if "np.uint64" in data.sources.get(row["id"], ""):
                cast += 1
                asked += "signed index wraparound" in row["label"]
                inherited += lineage_asked(row)
    _tally(best_views, "The rule generator's best kernels")
    print(
        f"\ngenerated candidates: {candidates}; with np.uint64 casts: {cast}, of which {asked} "
        "were the move a wraparound finding of their parent asked for, and "
        f"{inherited} have that move in their lineage (the rest: casts no remark asked for)"
    )


def cost_command(args) -> int:
    options = CheckOptions(threads=[1, 2], profile=False)
    rows = []
    for entry, task, candidate in list(_experts(args.tasks))[: args.limit]:
        seconds = collections.defaultdict(list)
        for attempt in range(args.repeat):
            for view in (False, True):  # side by side, alternating
                fresh = Kernel(
                    source=candidate.source + f"\n# fresh {time.time_ns()} {view} {attempt}\n",
                    function=candidate.function,
                )
                options.compiled_view = view
                for state in ("cold", "warm"):
                    start = time.monotonic()
                    report = evaluate(task, fresh, options)
                    seconds[(state, view)].append(time.monotonic() - start)
                    assert report.verdict == "ok", (entry.id, report.summary)
                    if view:  # the view's own stage, as the child timed it
                        seconds[(state, "stage")].append(report.seconds.get("compiled_view", 0))
        medians = {key: statistics.median(values) for key, values in seconds.items()}
        rows.append((entry.id, medians))
        print(
            f"{entry.id:<52} cold {medians[('cold', False)]:5.2f} -> {medians[('cold', True)]:5.2f}"
            f" s   warm {medians[('warm', False)]:5.2f} -> {medians[('warm', True)]:5.2f} s"
            f"   (the view's stage: cold {medians[('cold', 'stage')]:.2f} s, warm "
            f"{medians[('warm', 'stage')]:.3f} s)"
        )
    for state in ("cold", "warm"):
        ratios = [m[(state, True)] / m[(state, False)] for _, m in rows]
        geo = statistics.geometric_mean(ratios)
        print(
            f"{state}: with the view / without, geometric mean {geo:.3f} "
            f"(min {min(ratios):.3f}, max {max(ratios):.3f}; {len(ratios)} tasks, median of "
            f"{args.repeat})"
        )
    print(f"machine: {os.cpu_count()} CPUs; target: warm <= 1.10")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    loops = sub.add_parser("loops")
    loops.add_argument("--tasks", action="append", default=None)
    loops.add_argument("--runs", default=None, help="a `parevo bench --solver rules --out` folder")
    loops.add_argument("--save", default=None, help="write the views as JSON to this file")
    cost = sub.add_parser("cost")
    cost.add_argument("--tasks", action="append", default=None)
    cost.add_argument("--repeat", type=int, default=3)
    cost.add_argument("--limit", type=int, default=6)
    args = parser.parse_args()
    return loops_command(args) if args.command == "loops" else cost_command(args)


if __name__ == "__main__":
    sys.exit(main())
