"""``parevo``: the command line of ParEVO Lab.

Exit codes: 0 the verdict is ok, 1 the candidate failed a gate, 2 a usage error or an unusable
task file (the message says which and how to fix it).
"""

from __future__ import annotations

import argparse
import json
import sys

from . import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _threads(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--threads wants thread counts separated by commas, such as 1,2,4; got {text!r}"
        ) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"--threads wants counts of at least 1, got {text!r}")
    return sorted(set(values))


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value <= 0:
        raise argparse.ArgumentTypeError(f"wants a positive number of seconds, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parevo",
        description="ParEVO Lab: verified, profiled parallel numba kernels for irregular data.",
    )
    parser.add_argument("--version", action="version", version=f"parevo-lab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
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
    check.add_argument(
        "--threads",
        type=_threads,
        default=None,
        metavar="1,2",
        help="thread counts to verify and time (default: 1, 2, 4... up to the usable cores)",
    )
    check.add_argument(
        "--timeout",
        type=_positive,
        default=30.0,
        metavar="S",
        help="seconds one call of the candidate may take (default 30)",
    )
    check.add_argument(
        "--compile-timeout",
        type=_positive,
        default=180.0,
        metavar="S",
        help="seconds numba may spend compiling (default 180)",
    )
    check.add_argument(
        "--memory",
        type=int,
        default=8192,
        metavar="MB",
        help="address-space limit of the sandbox in MiB (default 8192)",
    )
    check.add_argument(
        "--budget",
        type=_positive,
        default=1.0,
        metavar="S",
        help="sampling time per configuration when profiling (default 1)",
    )
    check.add_argument("--no-profile", action="store_true", help="skip the profile stage")
    check.add_argument(
        "--db",
        default=None,
        metavar="FILE",
        help="SQLite file that records evaluations (default: $PAREVO_DB or "
        "~/.local/share/parevo_lab/parevo.db)",
    )
    check.add_argument("--no-store", action="store_true", help="do not record this evaluation")
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
    races.add_argument("--threads", type=_threads, default=None, metavar="1,2")
    races.add_argument("--timeout", type=_positive, default=30.0, metavar="S")
    races.add_argument("--db", default=None, metavar="FILE")
    races.add_argument("--no-store", action="store_true")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command in ("check", "races"):
        return _check(args)
    return EXIT_USAGE  # pragma: no cover - argparse rejects unknown commands


def _check(args) -> int:
    from .candidate import load_candidate
    from .cascade import CheckOptions, evaluate
    from .report.text import render, render_races
    from .sandbox import SandboxStartError
    from .task import TaskError, load_task

    try:
        task = load_task(args.task)
        candidate = load_candidate(args.candidate)
    except (TaskError, FileNotFoundError, UnicodeDecodeError) as exc:
        return _usage_error(str(exc), args.json)
    if args.command == "races":  # the same cascade, without timing
        args.compile_timeout, args.memory, args.budget, args.no_profile = 180.0, 8192, 1.0, True
    if args.memory < 256:
        return _usage_error(
            f"--memory {args.memory} is too small: give at least 256 MiB", args.json
        )
    options = CheckOptions(
        timeout_s=args.timeout,
        compile_timeout_s=args.compile_timeout,
        memory_mb=args.memory,
        profile=not args.no_profile,
        budget_s=args.budget,
    )
    if args.threads:
        options.threads = args.threads
    progress = _progress_printer() if sys.stderr.isatty() else None
    try:
        report = evaluate(task, candidate, options, progress=progress)
    except (TaskError, SandboxStartError) as exc:
        return _usage_error(str(exc), args.json)
    finally:
        if progress is not None:
            progress.close()
    if not args.no_store:
        from .store import Store

        try:
            with Store(args.db) as store:
                report.sandbox["evaluation_id"] = store.record(task, candidate, report)
        except Exception as exc:  # noqa: BLE001 - a report is never lost to a broken store
            print(f"parevo: warning: could not record the evaluation: {exc}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict()))
    elif args.command == "races":
        print(render_races(report))
        if report.verdict not in ("ok", "race"):
            print(f"\nverdict {report.verdict}: {report.summary}")
    else:
        print(render(report))
    return EXIT_OK if report.verdict == "ok" else EXIT_FAILED


def _usage_error(message: str, as_json: bool) -> int:
    print(f"parevo: error: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps({"verdict": None, "error": message}))
    return EXIT_USAGE


class _progress_printer:
    """One updating status line on a terminal: stage, step, elapsed seconds."""

    def __init__(self):
        import time

        self.start = time.monotonic()
        self.clock = time.monotonic

    def __call__(self, stage: str, message: str) -> None:
        text = f"\r[{self.clock() - self.start:5.1f}s] {stage}: {message}"[:100]
        sys.stderr.write(text.ljust(100))
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\r" + " " * 100 + "\r")
        sys.stderr.flush()


def entry() -> int:
    """The console script: ``main`` with a quiet exit when stdout is closed early (``| head``)."""
    try:
        return main()
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(entry())
