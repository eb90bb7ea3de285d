"""The full audit of the suite: the mutation score of every task's verification, and its cost.

    python benchmarks/audit_suite.py [--tasks GLOB ...] [--root DIR] [--out DIR]

Runs ``parevo audit`` (the same code) on every suite task, one after another, and writes
``OUT/audit-suite.json`` (every report) and ``OUT/audit-suite.md`` (the table that
docs/benchmark.md quotes: per task the mutants generated, killed, survived, probably equivalent,
stillborn, the score and the seconds the audit took). ``--root`` audits the task files of
another tree laid out like ``parevo_lab/suite/tasks`` (an older checkout: the "before" figures).
The run is long (about 3,500 mutants: most of an hour on 2 vCPUs); ``--tasks`` narrows it, and a
task already in OUT/audit-suite.json is not audited again (delete the file to start over).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
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
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    saved_path = args.out / "audit-suite.json"
    saved = json.loads(saved_path.read_text())["tasks"] if saved_path.exists() else {}
    options = AuditOptions(threads=[int(t) for t in args.threads.split(",")])
    chosen = suite.select(suite.entries(args.root), args.tasks)
    reports = []
    for number, entry in enumerate(chosen, 1):
        if entry.id in saved:
            reports.append((entry.id, from_dict(AuditReport, saved[entry.id])))
            continue
        start = time.monotonic()
        report = audit(load_task(entry.path), options, out=args.out / entry.id)
        reports.append((entry.id, report))
        c = report.counts
        print(
            f"[{number}/{len(chosen)}] {entry.id}: {c['generated']} mutants, {c['killed']} "
            f"killed, {c['survived']} survived, {c['equivalent']} equivalent, {c['stillborn']} "
            f"stillborn, score {report.score}, {time.monotonic() - start:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        saved[entry.id] = report.to_dict()
        saved_path.write_text(json.dumps({"tasks": saved}))  # a stopped run resumes from here
    summary = suite_summary(reports)
    saved_path.write_text(json.dumps(summary))
    table = render_suite_audit(reports)
    (args.out / "audit-suite.md").write_text(
        "```\n" + table + "\n```\n\n" + json.dumps(summary["totals"]) + "\n"
    )
    print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
