"""The full audit of the suite: the mutation score of every task's verification, and its cost.

    python benchmarks/audit_suite.py [--tasks GLOB ...] [--root DIR] [--out DIR]

Runs ``parevo audit`` (the same code) on every suite task, one after another, and writes
``OUT/audit-suite.json`` (every report) and ``OUT/audit-suite.md`` (the table that
docs/benchmark.md quotes: per task the mutants generated, killed, survived, probably equivalent,
stillborn, the score and the seconds the audit took). ``--root`` audits the task files of
another tree laid out like ``parevo_lab/suite/tasks`` (an older checkout: the "before" figures).
The run is long (about 3,500 mutants: about 1.5 hours of one core); ``--jobs 2`` audits two
tasks at once, ``--tasks`` narrows it, and a task already in OUT/audit-suite.json is not audited
again (delete the file to start over).
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from parevo_lab import suite
from parevo_lab.cascade.audit import AuditOptions, audit, suite_summary
from parevo_lab.report.text import render_suite_audit
from parevo_lab.results import AuditReport, from_dict
from parevo_lab.task import load_task


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", action="append", default=None, metavar="GLOB")
    parser.add_argument("--root", type=Path, default=suite.TASKS, metavar="DIR")
    parser.add_argument("--out", type=Path, default=Path("runs/audit-bench"), metavar="DIR")
    parser.add_argument("--threads", default="1,2", metavar="1,2")
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N", help="tasks audited at once (default 1)"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    saved_path = args.out / "audit-suite.json"
    saved = json.loads(saved_path.read_text())["tasks"] if saved_path.exists() else {}
    options = AuditOptions(threads=[int(t) for t in args.threads.split(",")])
    chosen = suite.select(suite.entries(args.root), args.tasks)
    todo = [entry for entry in chosen if entry.id not in saved]
    lock = threading.Lock()

    def one(entry):
        start = time.monotonic()
        report = audit(load_task(entry.path), options, out=args.out / entry.id)
        c = report.counts
        with lock:
            saved[entry.id] = report.to_dict()
            saved_path.write_text(json.dumps({"tasks": saved}))  # a stopped run resumes here
            print(
                f"[{len(saved)}/{len(chosen)}] {entry.id}: {c['generated']} mutants, "
                f"{c['killed']} killed, {c['survived']} survived, {c['equivalent']} equivalent, "
                f"{c['stillborn']} stillborn, score {report.score}, "
                f"{time.monotonic() - start:.0f} s",
                file=sys.stderr,
                flush=True,
            )

    # Each audit is a sandboxed child of its own: threads here only wait for them.
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        list(pool.map(one, todo))
    reports = [(entry.id, from_dict(AuditReport, saved[entry.id])) for entry in chosen]
    summary = suite_summary(reports)
    saved_path.write_text(json.dumps({**summary, "tasks": saved}))
    table = render_suite_audit(reports)
    (args.out / "audit-suite.md").write_text(
        "```\n" + table + "\n```\n\n" + json.dumps(summary["totals"]) + "\n"
    )
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
