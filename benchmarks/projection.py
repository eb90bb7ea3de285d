"""How well the scaling model projects: projected against measured speedup, expert kernels.

    python benchmarks/projection.py [--tasks GLOB] [--threads 1,2] [--budget S] [--save F]
    python benchmarks/projection.py --load F          # the tables again, from a saved run
    python benchmarks/projection.py --reproject F     # the saved run's timings, replays anew

For every expert kernel of the suite: one ``parevo check`` (races and the compiled view off)
timing it at each thread count, with the projection made from its timed serial replay. The
projection is anchored at the measured 1-thread time, so at P = 1 it matches by construction;
the error that matters is at P >= 2: |projected - measured| / measured of vs_serial, median
and worst, over the kernels whose projection was made. Also: the instrumentation's overhead
(the timed replay's time over the kernel's at 1 thread) and, for the irregular suite, the
projected speedup at 16 and 64 threads. Run on a quiet machine: the tables are ratios measured
side by side in one run, and 2 noisy cores move them by 10-25%.

``--reproject F`` keeps the measured speedups and 1-thread times of a saved run and only makes
the replays again (in this process, on the bench input; single-threaded, each block its least
cost of three runs, so little disturbed by other work): for a change of the model or of the
replays, without timing everything again.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from parevo_lab import suite  # noqa: E402
from parevo_lab.cascade import CheckOptions, evaluate  # noqa: E402
from parevo_lab.kernel import load_kernel  # noqa: E402
from parevo_lab.task import load_task  # noqa: E402

EXPERT = ROOT / "parevo_lab" / "suite" / "expert"


def measure(patterns, threads: list[int], budget: float) -> list[dict]:
    rows = []
    chosen = suite.select(suite.entries(), patterns)
    for number, entry in enumerate(chosen, 1):
        files = entry.candidate_in(EXPERT)
        if not files:
            continue
        started = time.monotonic()
        options = CheckOptions(
            threads=threads, budget_s=budget, races=False, compiled_view=False, python_cap_s=0
        )
        report = evaluate(load_task(entry.path), load_kernel(str(files[0])), options)
        row = {"task": entry.id, "verdict": report.verdict, "measured": {}, "projected": {}}
        profile = report.profile
        if profile and profile.ran:
            for p, s in (profile.speedup.get("vs_serial") or {}).items():
                row["measured"][p] = [s["value"], s["ci_low"], s["ci_high"]]
            one = profile.candidate.get("1")
            row["one_thread_s"] = one.median_s if one else None
        projection = report.projection
        row["projection"] = projection.status if projection else "none"
        row["reason"] = projection.reason if projection else ""
        if projection and projection.status == "projected":
            row["projected"] = {str(p.threads): [p.speedup, p.bound] for p in projection.points}
            row["dynamic"] = {str(p.threads): p.speedup for p in projection.dynamic}
            row["instrumented_s"] = projection.measured.get("instrumented_s")
        rows.append(row)
        print(
            f"[{number}/{len(chosen)}] {entry.id}: {report.verdict}, "
            f"{row['projection']} ({time.monotonic() - started:.0f} s)",
            file=sys.stderr,
        )
    return rows


def reproject(rows: list[dict]) -> list[dict]:
    import importlib.util

    import numpy as np

    from parevo_lab import calibrate
    from parevo_lab.cascade.profile import usable_cores
    from parevo_lab.cascade.scaling import measure as replay
    from parevo_lab.cascade.scaling.machines import this_machine
    from parevo_lab.cascade.scaling.model import project
    from parevo_lab.kernel import cache_root
    from parevo_lab.task import CHECK_SEEDS

    ceiling = calibrate.ceiling([1, 2], cache_root() / "machine")
    machine = this_machine(ceiling, usable_cores())
    entries = {e.id: e for e in suite.entries()}
    for number, row in enumerate(rows, 1):
        if not row.get("one_thread_s") or "1" not in row["measured"]:
            continue
        entry = entries[row["task"]]
        task = load_task(entry.path)
        path = entry.candidate_in(EXPERT)[0]
        name = "expert_" + row["task"].replace("/", "_").replace("-", "_")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        task_spec = importlib.util.spec_from_file_location(name + "_task", task.path)
        task_module = importlib.util.module_from_spec(task_spec)
        task_spec.loader.exec_module(task_module)
        args = task_module.make_inputs(task.sizes["bench"], np.random.default_rng(CHECK_SEEDS[0]))
        started = time.monotonic()
        measured = replay(module, "kernel", tuple(args), lambda result, call_args: True)
        reference_s = row["one_thread_s"] * row["measured"]["1"][0]
        projection = project(measured, machine, row["one_thread_s"], reference_s)
        row["projection"], row["reason"] = projection.status, projection.reason
        if projection.status == "projected":
            row["projected"] = {str(p.threads): [p.speedup, p.bound] for p in projection.points}
            row["dynamic"] = {str(p.threads): p.speedup for p in projection.dynamic}
            row["instrumented_s"] = measured.get("instrumented_s")
        print(
            f"[{number}/{len(rows)}] {row['task']}: {row['projection']} "
            f"({time.monotonic() - started:.0f} s)",
            file=sys.stderr,
        )
    return rows


def tables(rows: list[dict], threads: list[int]) -> str:
    out = []
    for p in (str(t) for t in threads if t > 1):
        errors = []
        for row in rows:
            measured, projected = row["measured"].get(p), row["projected"].get(p)
            if measured and projected:
                errors.append((abs(projected[0] - measured[0]) / measured[0], row["task"]))
        if not errors:
            continue
        errors.sort()
        inside = sum(
            1
            for row in rows
            if row["measured"].get(p) and row["projected"].get(p)
            and row["measured"][p][1] <= row["projected"][p][0] <= row["measured"][p][2]
        )  # fmt: skip
        out.append(
            f"P = {p}: {len(errors)} kernels projected; |error| median "
            f"{100 * statistics.median(e for e, _ in errors):.1f}%, worst "
            f"{100 * errors[-1][0]:.1f}% ({errors[-1][1]}); 90th percentile "
            f"{100 * errors[int(0.9 * (len(errors) - 1))][0]:.1f}%; projection inside the "
            f"measured 95% CI for {inside}"
        )
    overheads = [
        row["instrumented_s"] / row["one_thread_s"]
        for row in rows
        if row.get("instrumented_s") and row.get("one_thread_s")
    ]
    if overheads:
        out.append(
            f"timed replay / kernel at 1 thread: median {statistics.median(overheads):.2f}x, "
            f"max {max(overheads):.2f}x over {len(overheads)} kernels"
        )
    skipped = [r for r in rows if r["projection"] != "projected"]
    if skipped:
        out.append(f"not projected ({len(skipped)}):")
        out += [f"  {r['task']}: {r['verdict']}; {r['reason']}" for r in skipped]
    out.append("")
    out.append("| task | measured at 2 | projected at 2 | 16 | 64 | bound at 64 | dynamic at 64 |")
    out.append("|---|---|---|---|---|---|---|")
    for row in rows:
        if row["projection"] != "projected":
            continue
        m = row["measured"].get("2")
        proj = row["projected"]
        out.append(
            f"| {row['task']} | {m[0]:.2f}x [{m[1]:.2f}-{m[2]:.2f}] | "
            if m
            else f"| {row['task']} | - | "
        )
        out[-1] += (
            f"{proj.get('2', ['-'])[0]}x | {proj['16'][0]:.2f}x | {proj['64'][0]:.2f}x | "
            f"{proj['64'][1]} | {row['dynamic']['64']:.2f}x |"
        )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", action="append", default=None, metavar="GLOB")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--budget", type=float, default=1.0, help="profile seconds per point")
    parser.add_argument("--save", default=None, metavar="F")
    parser.add_argument("--load", default=None, metavar="F")
    parser.add_argument("--reproject", default=None, metavar="F")
    args = parser.parse_args()
    threads = sorted({int(t) for t in args.threads.split(",")})
    if args.load:
        rows = json.loads(Path(args.load).read_text())
    elif args.reproject:
        rows = reproject(json.loads(Path(args.reproject).read_text()))
        if args.save:
            Path(args.save).write_text(json.dumps(rows, indent=1))
    else:
        rows = measure(args.tasks, threads, args.budget)
        if args.save:
            Path(args.save).write_text(json.dumps(rows, indent=1))
    print(tables(rows, threads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
