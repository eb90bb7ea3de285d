"""``parevo check``: compile, verify and profile one candidate against a task's reference."""

from __future__ import annotations

import argparse
import json
import sys

from .. import settings
from ..errors import ParevoError
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    StatusLine,
    add_cascade_arguments,
    options,
    usage_error,
)


def add_parser(sub) -> argparse.ArgumentParser:
    check = sub.add_parser(
        "check",
        help="compile, verify and profile one candidate against a task's reference",
        description="Compile, verify and profile CANDIDATE against the reference of TASK, in a "
        "sandboxed child process. Exit 0 when the verdict is ok, 1 when the candidate fails a "
        "gate, 2 for a usage error or an invalid task file.",
    )
    check.add_argument("task", metavar="TASK.py", help="task file with reference and make_inputs")
    check.add_argument(
        "candidate",
        metavar="CANDIDATE.py[:FUNC]",
        help="candidate file, and the kernel's name (default: kernel)",
    )
    check.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    add_cascade_arguments(check)
    return check


def run(args) -> int:
    return evaluate_one(args, races=False)


def evaluate_one(args, races: bool) -> int:
    """Run the cascade on one candidate, record it and print the report (``check``), or only its
    races (``races``: the same cascade, without timing)."""
    from ..cascade import evaluate
    from ..kernel import load_kernel
    from ..report.text import render, render_races
    from ..task import load_task

    try:
        task = load_task(args.task)
        candidate = load_kernel(args.candidate)
    except (ParevoError, FileNotFoundError, UnicodeDecodeError) as exc:
        return usage_error(str(exc), args.json)
    if races:  # the same cascade, without timing
        args.compile_timeout, args.memory = settings.COMPILE_TIMEOUT_S, settings.MEMORY_MB
        args.budget, args.no_profile = settings.PROFILE_BUDGET_S, True
        args.no_compiled_view = True
    try:
        chosen = options(args)
    except ParevoError as exc:
        return usage_error(str(exc), args.json)
    progress = StatusLine() if sys.stderr.isatty() else None
    try:
        report = evaluate(task, candidate, chosen, progress=progress)
    except ParevoError as exc:
        return usage_error(str(exc), args.json)
    finally:
        if progress is not None:
            progress.close()
    if not args.no_store:
        from ..store import Store

        try:
            with Store(args.db) as store:
                report.sandbox["evaluation_id"] = store.record(task, candidate, report)
        except Exception as exc:  # noqa: BLE001 - a report is never lost to a broken store
            print(f"parevo: warning: could not record the evaluation: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict()))
    elif races:
        print(render_races(report))
        if report.verdict not in ("ok", "race"):
            print(f"\nverdict {report.verdict}: {report.summary}")
    else:
        print(render(report))
    return EXIT_OK if report.verdict == "ok" else EXIT_FAILED
