"""``parevo bench``: the benchmark suite (ParEval + irregular) for a solver, and its metrics."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .. import settings
from ..errors import ParevoError
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    add_cascade_arguments,
    add_executor_arguments,
    add_target_argument,
    count,
    open_executor,
    options,
    target_threads,
    usage_error,
)


def add_parser(sub) -> argparse.ArgumentParser:
    bench = sub.add_parser(
        "bench",
        help="run the benchmark suite (ParEval + irregular) for a solver and report its metrics",
        description="List the suite's tasks, or run the full cascade on each task for a solver "
        "(the expert solutions, or a folder of candidate files named by task id) and report "
        "pass@k, build@k, speedup_n@k, efficiency_n@k and speedup_max@k. Exit 0 when every task "
        "has a correct candidate, 1 when some task has none, 2 for a usage error.",
    )
    bench.add_argument("--list", action="store_true", help="list the tasks (id, category, path)")
    bench.add_argument(
        "--solver",
        default=None,
        metavar="expert|rules|llm|DIR",
        help="whose candidates to run: expert, or a folder DIR with DIR/<id>.py or DIR/<id>/*.py",
    )
    bench.add_argument(
        "--tasks",
        action="append",
        default=None,
        metavar="GLOB",
        help="only the tasks whose id matches (pareval/2*, irregular/*, a category); repeatable",
    )
    bench.add_argument(
        "--samples",
        type=count,
        default=1,
        metavar="K",
        help="candidates per task (default 1); metrics are given at k = 1 and k = K",
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    bench.add_argument(
        "--out", default=None, metavar="DIR", help="write tables (CSV, Markdown, LaTeX) and figures"
    )
    bench.add_argument(
        "--evolve-budget",
        type=count,
        default=settings.EVALUATIONS,
        metavar="N",
        help="evaluations per evolution for --solver rules or llm "
        f"(default {settings.EVALUATIONS}); the runs are kept "
        "in OUT/runs/<task id>/sample-<s>/ and resumed when run again",
    )
    add_cascade_arguments(bench)
    add_executor_arguments(bench)
    add_target_argument(bench, "report speedup_n (and rank an evolution's candidates)")
    return bench


def run(args) -> int:
    from .. import bench, suite
    from ..report import benchmark

    try:
        chosen = suite.select(suite.entries(), args.tasks)
        if args.list:
            if args.json:
                print(json.dumps([e.to_dict() for e in chosen]))
            else:
                width = max(len(e.id) for e in chosen)
                for e in chosen:
                    print(f"{e.id:<{width}}  {e.category:<10} {e.path}")
            return EXIT_OK
        if args.solver is None:
            raise UsageError("give --solver expert (or rules, llm, a folder), or --list")
        bench.solver_folder(args.solver)  # a bad solver fails before anything runs
        if args.solver in bench.GENERATED:
            from ..evolution import generators

            generators.get(args.solver)  # so does a generator without its settings
        cascade_options = options(args)
        target = target_threads(args, cascade_options)
        executor = open_executor(args)
    except ParevoError as exc:
        return usage_error(str(exc), args.json)
    if executor.name != "local":
        print(f"parevo: evaluating on {executor.describe()}", file=sys.stderr)
    store = None
    if not args.no_store:
        from ..store import Store

        try:
            store = Store(args.db)
        except Exception as exc:  # noqa: BLE001 - the benchmark still runs without a record
            print(f"parevo: warning: cannot open the store, not recording: {exc}", file=sys.stderr)

    def record(task, candidate, report):
        if store is None:
            return
        try:
            store.record(task, candidate, report)
        except Exception as exc:  # noqa: BLE001 - a result is never lost to a broken store
            print(f"parevo: warning: could not record the evaluation: {exc}", file=sys.stderr)

    try:
        result = bench.run(
            chosen,
            args.solver,
            args.samples,
            cascade_options,
            progress=progress,
            record=record,
            evolve_budget=args.evolve_budget,
            work=Path(args.out) / "runs" if args.out else None,
            executor=executor,
            target_threads=target,
        )
    except ParevoError as exc:
        return usage_error(str(exc), args.json)
    finally:
        executor.close()
        if store is not None:
            store.close()
    data = result.to_dict()
    if args.out:
        written = benchmark.write(data, args.out)
        print(f"parevo: wrote {len(written)} files to {args.out}", file=sys.stderr)
    print(json.dumps(data) if args.json else benchmark.render(data))
    solved = all(t["verdict"] == "ok" for t in data["tasks"])
    return EXIT_OK if solved else EXIT_FAILED


def progress(done: int, total: int, entry, sample) -> None:
    """One line per evaluated candidate on stderr: position, task, verdict, speedup."""
    if sample is None:
        return
    speed = (
        f"{sample['speedup_n']:.2f}x {'projected ' if sample.get('projected') else ''}"
        f"at {sample['threads']} threads"
        if "speedup_n" in sample
        else ""
    )
    print(
        f"[{done + 1:>3}/{total}] {entry.id:<55} {sample['verdict']:<14} {speed}",
        file=sys.stderr,
        flush=True,
    )
