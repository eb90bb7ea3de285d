"""How well the scaling model projects: projected against measured speedup, expert kernels.

    python benchmarks/projection.py [--tasks GLOB] [--threads 1,2] [--budget S] [--save F]
    python benchmarks/projection.py --load F          # the tables again, from a saved run
    python benchmarks/projection.py --reproject F     # the saved run's timings, replays anew
    python benchmarks/projection.py --split --jobs 8 --threads 1,2,4,8,16 --save F
                                                      # a many-core machine lent for minutes
    python benchmarks/projection.py --load F --machine G.json   # F's replays onto machine G

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


def write(path, rows: list[dict]) -> None:
    """The rows, one compact JSON line each (replays hold thousands of block costs)."""
    lines = ",\n".join(json.dumps(row, separators=(",", ":")) for row in rows)
    Path(path).write_text(f"[\n{lines}\n]\n")


def chosen(patterns) -> list:
    """The suite's entries matching ``patterns``, in the order the patterns are given (a lease
    that ends early has timed the first ones)."""
    entries = suite.entries()
    if not patterns:
        return suite.select(entries, None)
    out, seen = [], set()
    for pattern in patterns:
        for entry in suite.select(entries, [pattern]):
            if entry.id not in seen:
                seen.add(entry.id)
                out.append(entry)
    return out


def measure(
    patterns,
    threads: list[int],
    budget: float,
    projection: bool = True,
    verified=None,
    stop_at: float | None = None,
    save: str | None = None,
) -> list[dict]:
    """One check a kernel; ``verified`` (task id: report dict): reports whose verification is
    kept, so that only the profile runs again. No kernel is started past ``stop_at``
    (monotonic); with ``save`` the rows are written after each kernel."""
    from parevo_lab.cascade.evaluate import finish, profile_stage
    from parevo_lab.results import Report, from_dict

    rows = []
    entries = chosen(patterns)
    for number, entry in enumerate(entries, 1):
        files = entry.candidate_in(EXPERT)
        if not files:
            continue
        started = time.monotonic()
        if stop_at is not None and started > stop_at:
            print(f"time is up: {len(entries) - number + 1} kernels not timed", file=sys.stderr)
            break
        options = CheckOptions(
            threads=threads, budget_s=budget, races=False, compiled_view=False, python_cap_s=0,
            projection=projection,
        )  # fmt: skip
        task, kernel = load_task(entry.path), load_kernel(str(files[0]))
        if verified and verified.get(entry.id):
            report = finish(
                profile_stage(task, kernel, from_dict(Report, verified[entry.id]), options)
            )
        else:
            report = evaluate(task, kernel, options)
        row = {"task": entry.id, "verdict": report.verdict, "measured": {}, "projected": {}}
        profile = report.profile
        if profile and profile.ran:
            for p, s in (profile.speedup.get("vs_serial") or {}).items():
                row["measured"][p] = [s["value"], s["ci_low"], s["ci_high"]]
            one = profile.candidate.get("1")
            row["one_thread_s"] = one.median_s if one else None
            row["usable_cores"] = profile.usable_cores
        projection_ = report.projection
        row["projection"] = projection_.status if projection_ else "none"
        row["reason"] = projection_.reason if projection_ else ""
        if projection_ and projection_.status == "projected":
            row["projected"] = {str(p.threads): [p.speedup, p.bound] for p in projection_.points}
            row["dynamic"] = {str(p.threads): p.speedup for p in projection_.dynamic}
            row["instrumented_s"] = projection_.measured.get("instrumented_s")
        if projection_ and projection_.measured:
            row["replay"] = projection_.measured
        rows.append(row)
        if save:
            write(save, rows)
        print(
            f"[{number}/{len(entries)}] {entry.id}: {report.verdict}, "
            f"{row['projection']} ({time.monotonic() - started:.0f} s)",
            file=sys.stderr,
        )
    return rows


def _replay(task_id: str, warm: bool) -> tuple[dict, dict | None, float]:
    """The timed replay of one expert kernel on its bench input, in this process (single
    thread; each block its least cost of three runs). ``warm``: first a check without the
    profile, which compiles the candidate and the reference into numba's disk cache."""
    import importlib.util

    import numpy as np

    from parevo_lab.cascade.scaling import measure as replay
    from parevo_lab.task import CHECK_SEEDS

    started = time.monotonic()
    entry = {e.id: e for e in suite.entries()}[task_id]
    task = load_task(entry.path)
    path = entry.candidate_in(EXPERT)[0]
    report = None
    if warm:
        # verified at 1 and 2 threads only: these are the suite's experts, and the verification
        # is what is kept for the profile (its compare_outputs)
        options = CheckOptions(threads=[1, 2], profile=False, races=False, compiled_view=False)
        report = evaluate(task, load_kernel(str(path)), options).to_dict()
    name = "expert_" + task_id.replace("/", "_").replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    task_spec = importlib.util.spec_from_file_location(name + "_task", task.path)
    task_module = importlib.util.module_from_spec(task_spec)
    task_spec.loader.exec_module(task_module)
    args = task_module.make_inputs(task.sizes["bench"], np.random.default_rng(CHECK_SEEDS[0]))
    measured = replay(module, "kernel", tuple(args), lambda result, call_args: True)
    return measured, report, time.monotonic() - started


def replays(task_ids: list[str], jobs: int, warm: bool = False) -> tuple[dict, dict]:
    """The timed replays of ``task_ids``, ``jobs`` processes at a time (each one serial), and
    with ``warm`` the verified reports (task id: report dict)."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    out, reports = {}, {}
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(_replay, task_id, warm): task_id for task_id in task_ids}
        for number, future in enumerate(as_completed(futures), 1):
            task_id = futures[future]
            try:
                out[task_id], reports[task_id], seconds = future.result()
            except Exception as exc:  # noqa: BLE001 - one kernel's failure is that row's
                out[task_id], seconds = {"status": "not_measured", "reason": repr(exc)}, 0.0
            print(
                f"[{number}/{len(task_ids)}] replay {task_id}: {out[task_id]['status']} "
                f"({seconds:.0f} s)",
                file=sys.stderr,
            )
    return out, reports


def machine_profile(name: str | None, threads: list[int]):
    """The named profile (a name or a JSON file), or this machine's from its calibration."""
    from parevo_lab import calibrate
    from parevo_lab.cascade.profile import usable_cores
    from parevo_lab.cascade.scaling.machines import load, this_machine
    from parevo_lab.kernel import cache_root

    if name:
        return load(name)
    return this_machine(calibrate.ceiling(threads, cache_root() / "machine"), usable_cores())


def project_rows(rows: list[dict], machine) -> list[dict]:
    """Each row's projection again, from its saved replay, onto ``machine``."""
    from parevo_lab.cascade.scaling.model import project, thread_counts

    for row in rows:
        if not row.get("replay") or not row.get("one_thread_s") or "1" not in row["measured"]:
            continue
        reference_s = row["one_thread_s"] * row["measured"]["1"][0]
        # to 64 threads whatever the profile's cores (its assumptions say how beyond them)
        projection = project(
            row["replay"], machine, row["one_thread_s"], reference_s, thread_counts()
        )
        row["projection"], row["reason"] = projection.status, projection.reason
        row["projected"], row["dynamic"] = {}, {}
        if projection.status == "projected":
            row["projected"] = {str(p.threads): [p.speedup, p.bound] for p in projection.points}
            row["dynamic"] = {str(p.threads): p.speedup for p in projection.dynamic}
            row["instrumented_s"] = row["replay"].get("instrumented_s")
        row["machine"] = machine.name
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
    top = str(max(threads))
    extra = top not in ("1", "2")
    out.append("")
    out.append(
        "| task | measured at 2 | projected at 2 | "
        + (f"measured at {top} | projected at {top} | " if extra else "")
        + "16 | 64 | bound at 64 | dynamic at 64 |"
    )
    out.append("|---|---|---|" + ("---|---|" if extra else "") + "---|---|---|---|")
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
        out[-1] += f"{proj.get('2', ['-'])[0]}x | "
        if extra:
            at = row["measured"].get(top)
            out[-1] += (
                f"{at[0]:.2f}x [{at[1]:.2f}-{at[2]:.2f}] | " if at else "- | "
            ) + f"{proj.get(top, ['-'])[0]}x | "
        out[-1] += (
            f"{proj['16'][0]:.2f}x | {proj['64'][0]:.2f}x | "
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
    parser.add_argument(
        "--split", action="store_true",
        help="compile and replay in --jobs processes first, then time each kernel alone",
    )  # fmt: skip
    parser.add_argument("--jobs", type=int, default=1, help="processes for the replays")
    parser.add_argument(
        "--stop-after", type=float, default=None, metavar="S",
        help="start no kernel's timings after S seconds (a lease that ends)",
    )  # fmt: skip
    parser.add_argument(
        "--machine", default=None, metavar="NAME|F",
        help="project onto this machine profile (default: this machine's calibration)",
    )  # fmt: skip
    args = parser.parse_args()
    threads = sorted({int(t) for t in args.threads.split(",")})
    if args.load:
        rows = json.loads(Path(args.load).read_text())
        if args.machine:
            rows = project_rows(rows, machine_profile(args.machine, threads))
    elif args.reproject:
        rows = json.loads(Path(args.reproject).read_text())
        measured, _ = replays([r["task"] for r in rows], args.jobs)
        for row in rows:
            row["replay"] = measured[row["task"]]
        rows = project_rows(rows, machine_profile(args.machine, threads))
    elif args.split:
        # for a many-core machine lent for minutes: the compiles and the serial replays share
        # the cores, then each kernel's timings have the machine to themselves
        ids = [e.id for e in chosen(args.tasks) if e.candidate_in(EXPERT)]
        started = time.monotonic()
        measured, verified = replays(ids, args.jobs, warm=True)
        print(
            f"compiles, verifications and replays: {time.monotonic() - started:.0f} s",
            file=sys.stderr,
        )
        machine = machine_profile(args.machine, threads)  # calibrates, alone, when not cached
        if args.save:
            Path(args.save).with_suffix(".replays.json").write_text(json.dumps(measured))
        stop_at = started + args.stop_after if args.stop_after else None
        rows = measure(
            args.tasks, threads, args.budget, projection=False, verified=verified,
            stop_at=stop_at, save=args.save,
        )  # fmt: skip
        for row in rows:
            row["replay"] = measured.get(row["task"])
        rows = project_rows(rows, machine)
    else:
        rows = measure(args.tasks, threads, args.budget, save=args.save)
    if args.save:
        write(args.save, rows)
    print(tables(rows, threads))
    return 0


if __name__ == "__main__":
    sys.exit(main())
