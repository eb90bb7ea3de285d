"""``parevo races``: hunt data races in a candidate's prange loops and print the traces."""

from __future__ import annotations

import argparse

from .. import settings
from . import check
from .common import positive, threads


def add_parser(sub) -> argparse.ArgumentParser:
    races = sub.add_parser(
        "races",
        help="hunt data races in a candidate's prange loops and print the traces",
        description="Lint each prange loop and replay the kernel serially with every array "
        "access tagged by its iteration (plus differential runs at every thread count). Prints "
        "each conflicting pair of accesses like a sanitizer report. Exit 0 when no race is found, "
        "1 when one is (or the candidate fails another gate), 2 for a usage error.",
    )
    races.add_argument("task", metavar="TASK.py")
    races.add_argument("candidate", metavar="CANDIDATE.py[:FUNC]")
    races.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    races.add_argument("--threads", type=threads, default=None, metavar="1,2")
    races.add_argument("--timeout", type=positive, default=settings.TIMEOUT_S, metavar="S")
    races.add_argument("--db", default=None, metavar="FILE")
    races.add_argument("--no-store", action="store_true")
    return races


def run(args) -> int:
    return check.evaluate_one(args, races=True)
