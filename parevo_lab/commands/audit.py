"""``parevo audit``: how strong a task's verification is, measured by the mutants of its
reference that it accepts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import settings
from ..errors import ParevoError
from .common import EXIT_FAILED, EXIT_OK, AuditProgress, positive, threads, usage_error


def add_parser(sub) -> argparse.ArgumentParser:
    audit = sub.add_parser(
        "audit",
        help="measure how strong a task's verification is: mutants of its reference it accepts",
        description="Mutate the reference of TASK (loop bounds, half ranges, swapped comparisons "
        "and operators, early exits, constant answers, size-dependent shortcuts, ...), verify "
        "every mutant exactly as a candidate, and report the mutation score and each surviving "
        "mutant: a wrong kernel that the task's inputs call ok. Exit 0 when no mutant survived, "
        "1 when some did, 2 for a usage error or an unusable task file.",
    )
    audit.add_argument(
        "task", metavar="TASK.py", nargs="?", help="task file (or --suite for the suite's tasks)"
    )
    audit.add_argument("--suite", action="store_true", help="audit the benchmark suite's tasks")
    audit.add_argument(
        "--tasks",
        action="append",
        default=None,
        metavar="GLOB",
        help="with --suite: only the tasks whose id matches (pareval/3*, a category); repeatable",
    )
    audit.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    audit.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="where the surviving mutants are written as candidate files, with audit.json "
        "(default runs/audit/<task>)",
    )
    audit.add_argument(
        "--no-probe",
        action="store_true",
        help="do not try accepted mutants on extra inputs (every one counts as survived)",
    )
    audit.add_argument("--threads", type=threads, default=None, metavar="1,2")
    audit.add_argument(
        "--timeout",
        type=positive,
        default=settings.AUDIT_TIMEOUT_S,
        metavar="S",
        help=f"seconds one call of a mutant may take (default {settings.AUDIT_TIMEOUT_S:g}): "
        "a hang is a kill",
    )
    audit.add_argument("--memory", type=int, default=settings.MEMORY_MB, metavar="MB")
    return audit


def run(args) -> int:
    from .. import suite
    from ..cascade.audit import AuditOptions, audit, suite_summary
    from ..report.text import render_audit, render_suite_audit
    from ..task import load_task

    if args.suite == bool(args.task):
        return usage_error(
            "give a task file (parevo audit TASK.py) or --suite, not both and not neither",
            args.json,
        )
    if args.tasks and not args.suite:
        return usage_error("--tasks selects suite tasks: add --suite", args.json)
    if args.memory < 256:
        return usage_error(f"--memory {args.memory} is too small: give at least 256 MiB", args.json)
    options = AuditOptions(timeout_s=args.timeout, memory_mb=args.memory, probe=not args.no_probe)
    if args.threads:
        options.threads = args.threads
    try:
        if args.suite:
            chosen = suite.select(suite.entries(), args.tasks)
            tasks = [(entry.id, load_task(entry.path)) for entry in chosen]
        else:
            task = load_task(args.task)
            tasks = [(task.name, task)]
    except ParevoError as exc:
        return usage_error(str(exc), args.json)
    root = Path(args.out) if args.out else Path("runs") / ("audit-suite" if args.suite else "audit")
    reports = []
    for number, (name, task) in enumerate(tasks, 1):
        bar = AuditProgress(f"[{number}/{len(tasks)}] {name}" if args.suite else name)
        out = root / name if (args.suite or not args.out) else root
        try:
            report = audit(task, options, out=out, progress=bar)
        except ParevoError as exc:
            bar.close()
            return usage_error(f"{name}: {exc}", args.json)
        except KeyboardInterrupt:
            bar.close()  # before the stop message
            raise
        bar.close(report if report.mutants else None)
        reports.append((name, report))
    if not args.suite:
        report = reports[0][1]
        if not report.mutants:
            return usage_error(f"{reports[0][0]}: {report.statement}", args.json)
        print(json.dumps(report.to_dict()) if args.json else render_audit(report))
    elif args.json:
        print(json.dumps(suite_summary(reports)))
    else:
        print(render_suite_audit(reports))
    survived = any(r.counts.get("survived") for _, r in reports)
    return EXIT_FAILED if survived else EXIT_OK
