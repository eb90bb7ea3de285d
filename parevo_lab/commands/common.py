"""What the subcommands share: exit codes, argument types and groups, the cascade's options, the
executor, usage errors, and the progress shown on stderr while a command runs.

The progress helpers draw a ``tqdm`` bar when stderr is a terminal; otherwise they write the
plain lines that logs, CI and the Jupyter server read (one per event), or nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

from .. import settings
from ..errors import EXIT_USAGE, ParevoError
from ..report.escape import terminal

EXIT_OK, EXIT_FAILED = 0, 1  # EXIT_USAGE (2) is every ParevoError's exit code


class UsageError(ParevoError):
    pass


def threads(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--threads wants thread counts separated by commas, such as 1,2,4; got {text!r}"
        ) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"--threads wants counts of at least 1, got {text!r}")
    return sorted(set(values))


def count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"wants a whole number of at least 1, got {text!r}")
    return value


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not math.isfinite(value) or value <= 0:  # nan/inf would disarm the deadline
        raise argparse.ArgumentTypeError(f"wants a positive number of seconds, got {text!r}")
    return value


DEPRECATED_BUDGET = (
    "parevo: warning: {flag} is deprecated here and goes in the next release: it counts "
    "profiling seconds, while evolve's --budget counts evaluations; use --profile-budget"
)


class _DeprecatedAlias(argparse.Action):
    """An old flag that still works for one release, saying its new name in one line."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(DEPRECATED_BUDGET.format(flag=option_string), file=sys.stderr)
        setattr(namespace, self.dest, values)


def add_cascade_arguments(
    parser: argparse.ArgumentParser, old_budget: bool = True, store: bool = True
) -> None:
    """The options of the cascade that check, bench and evolve share; ``old_budget`` keeps the
    deprecated ``--budget`` of check and bench (profiling seconds) working."""
    parser.add_argument(
        "--threads",
        type=threads,
        default=None,
        metavar="1,2",
        help="thread counts to verify and time (default: 1, 2, 4... up to the usable cores)",
    )
    parser.add_argument(
        "--timeout",
        type=positive,
        default=settings.TIMEOUT_S,
        metavar="S",
        help=f"seconds one call of the candidate may take (default {settings.TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--compile-timeout",
        type=positive,
        default=settings.COMPILE_TIMEOUT_S,
        metavar="S",
        help=f"seconds numba may spend compiling (default {settings.COMPILE_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--memory",
        type=int,
        default=settings.MEMORY_MB,
        metavar="MB",
        help=f"address-space limit of the sandbox in MiB (default {settings.MEMORY_MB})",
    )
    parser.add_argument(
        "--profile-budget",
        dest="budget",
        type=positive,
        default=settings.PROFILE_BUDGET_S,
        metavar="S",
        help="sampling time per configuration when profiling "
        f"(default {settings.PROFILE_BUDGET_S:g})",
    )
    if old_budget:
        parser.add_argument(
            "--budget",
            dest="budget",
            type=positive,
            action=_DeprecatedAlias,
            help=argparse.SUPPRESS,
        )
    parser.add_argument("--no-profile", action="store_true", help="skip the profile stage")
    parser.add_argument(
        "--no-compiled-view",
        action="store_true",
        help="skip the compiled view of each loop (vectorisation and its reasons; parevo explain)",
    )
    parser.add_argument(
        "--machine",
        default=settings.MACHINE,
        metavar="NAME",
        help="machine profile to project speedup to 64 threads for: 'this' (this machine's "
        "cores, the default), a name saved by `parevo calibrate --save NAME`, or a .json path",
    )
    parser.add_argument(
        "--no-projection",
        action="store_true",
        help="skip the timed serial replay that projects speedup beyond this machine",
    )
    if not store:
        return
    parser.add_argument(
        "--db",
        default=None,
        metavar="FILE",
        help="SQLite file that records evaluations (default: $PAREVO_DB or "
        "~/.local/share/parevo_lab/parevo.db)",
    )
    parser.add_argument("--no-store", action="store_true", help="do not record this evaluation")


def add_target_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--target-threads",
        type=count,
        default=None,
        metavar="P",
        help=f"{what} by the speedup at P threads: measured when P is within this machine's "
        "cores, else projected onto --machine (labelled projected); a power of two up to 64",
    )


def target_threads(args, found) -> int | None:
    """``--target-threads`` checked against the cascade options ``found`` (within this machine's
    cores it joins ``found.threads``, so that the profile times it); UsageError (one line) when
    the projection it needs cannot be made."""
    from ..cascade.evaluate import machine_profile
    from ..cascade.profile import usable_cores
    from ..cascade.scaling.machines import MAX_THREADS
    from ..cascade.scaling.model import thread_counts

    target = getattr(args, "target_threads", None)
    if target is None:
        return None
    if target not in thread_counts():
        raise UsageError(
            f"--target-threads {target}: give a power of two up to 64 (the thread counts the "
            "projection is made at), e.g. 16"
        )
    if target <= usable_cores():
        found.threads = sorted(set(found.threads) | {target})
        return target
    if not found.projection or not found.profile:
        raise UsageError(
            f"--target-threads {target} is beyond the {usable_cores()} cores here and so is "
            "projected: drop --no-projection and --no-profile"
        )
    named = machine_profile(found.machine)  # None: this machine, projected to 64 threads
    cores = named.cores if named is not None else MAX_THREADS
    if target > cores:
        raise UsageError(
            f"--target-threads {target} is beyond machine profile '{found.machine}' "
            f"({cores} cores): choose at most {cores} or another --machine"
        )
    return target


def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--executor",
        default=None,
        metavar="local|dask|tcp://HOST:PORT",
        help="where candidates are evaluated: local (this machine, one at a time; the default, "
        "or $PAREVO_EXECUTOR), dask (a new Dask LocalCluster) or the address of a Dask scheduler",
    )
    parser.add_argument(
        "--workers",
        type=count,
        default=None,
        metavar="N",
        help="worker processes of the LocalCluster that --executor dask starts "
        "(default: the usable cores, at least 2)",
    )


def open_executor(args):
    """The executor the arguments ask for; UsageError when it cannot be opened."""
    from ..executor import ExecutorError
    from ..executor import open_executor as open_

    try:
        return open_(args.executor, args.workers)
    except ExecutorError as exc:
        raise UsageError(str(exc)) from None


def options(args):
    """The cascade's CheckOptions from the arguments of add_cascade_arguments."""
    from ..cascade import CheckOptions

    if args.memory < 256:
        raise UsageError(f"--memory {args.memory} is too small: give at least 256 MiB")
    found = CheckOptions(
        timeout_s=args.timeout,
        compile_timeout_s=args.compile_timeout,
        memory_mb=args.memory,
        profile=not args.no_profile,
        budget_s=args.budget,
        compiled_view=not getattr(args, "no_compiled_view", False),
        projection=not getattr(args, "no_projection", False),
        machine=getattr(args, "machine", settings.MACHINE),
    )
    from ..cascade.evaluate import machine_profile

    machine_profile(found.machine)  # MachineError (one line) now, not after the profile
    if args.threads:
        found.threads = args.threads
    return found


def usage_error(message: str, as_json: bool) -> int:
    print(f"parevo: error: {message}", file=sys.stderr)
    if as_json:
        print(json.dumps({"verdict": None, "error": message}))
    return EXIT_USAGE


def _bar(**kwargs):
    """A tqdm bar on stderr that disappears when closed (tqdm is imported only when drawn).
    It draws with its own carriage returns on the terminal itself (not through ``TerminalText``);
    its descriptions go through ``terminal`` (``_describe``)."""
    import os

    from tqdm import tqdm

    stream = _terminal_stderr()
    if "desc" in kwargs:
        kwargs["desc"] = terminal(kwargs["desc"])

    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError):
        columns = 0
    if columns:  # follow the terminal's width
        return tqdm(file=stream, leave=False, dynamic_ncols=True, **kwargs)
    return tqdm(file=stream, leave=False, ncols=100, nrows=24, **kwargs)  # a size-less tty


def _terminal_stderr():
    """stderr itself, not through ``TerminalText``: a progress bar draws with carriage returns
    of its own (and escapes what it shows with ``terminal``)."""
    return getattr(sys.stderr, "raw", sys.stderr)


def _describe(bar, text: str, refresh: bool = True) -> None:
    """The bar's description, shown as text (a candidate's label may hold control characters)."""
    bar.set_description_str(terminal(text), refresh=refresh)


def _advance(bar, done: int) -> None:
    """Move ``bar`` to ``done`` through ``update`` (which keeps its rate and ETA), then draw it."""
    done = min(done, bar.total)
    if done > bar.n:
        bar.update(done - bar.n)
    bar.refresh()


def _write(line: str) -> None:
    """A line on stderr above any bar being drawn."""
    from tqdm import tqdm

    tqdm.write(terminal(line), file=_terminal_stderr())
    sys.stderr.flush()


class AuditProgress:
    """A bar of the mutants verified per audited task on a terminal; one line per task otherwise."""

    def __init__(self, name: str):
        self.name = name
        self.tty = sys.stderr.isatty()
        self.bar = None

    def __call__(self, done: int, total: int, text: str) -> None:
        if not self.tty:
            return
        if self.bar is None:
            self.bar = _bar(total=max(total, 1), desc=self.name, unit="mutant")
        self.bar.total = max(total, 1)
        self.bar.set_postfix_str(text[:40], refresh=False)
        _advance(self.bar, done)

    def close(self, report=None) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if report is not None:
            print(f"{self.name}: {report.summary} ({report.seconds:.0f} s)", file=sys.stderr)


class EvolveProgress:
    """A bar of evaluations done/total, the candidate being evaluated as its description, on a
    terminal; one line per evaluation always (logs, CI, the Jupyter server read them), and one
    per re-timing of a candidate against the best."""

    def __init__(self, total: int):
        self.total = total
        self.tty = sys.stderr.isatty()
        self.bar = None

    def __call__(self, event: dict) -> None:
        if event["type"] == "evaluating" and self.tty:
            candidate = event["candidate"]
            if self.bar is None:  # a resumed run starts where it stopped
                start = min(event["evaluations"], self.total)
                self.bar = _bar(total=max(self.total, 1), initial=start, unit="eval")
            _describe(self.bar, f"#{candidate.id}: {candidate.label}"[:48], refresh=False)
            _advance(self.bar, event["evaluations"])
        elif event["type"] == "evaluated":
            candidate, best = event["candidate"], event.get("best")
            speed = f"{candidate.speedup:.2f}x" if candidate.speedup else "-"
            if best is None:
                top = "no correct candidate yet"
            elif best.speedup:
                top = f"best #{best.id} {best.speedup:.2f}x"
            else:
                top = f"best #{best.id}, untimed"
            line = (
                f"[{event['evaluations']:>3}/{self.total}] #{candidate.id:<3} {candidate.verdict:<13} "
                f"{speed:>7}  ({top})  {candidate.label}"
            )
            if self.bar is not None:
                _write(line[:160])
                _advance(self.bar, event["evaluations"])
            else:
                print(line[:160], file=sys.stderr, flush=True)
        elif event["type"] == "retiming" and self.bar is not None:
            against = event["against"]
            text = f"#{event['candidate'].id}: re-timing against the best #{against.id}"
            _describe(self.bar, text[:48])
        elif event["type"] == "retimed":
            from ..cascade.duel import retime_text

            line = "      " + retime_text(
                event["candidate"].id, event["retimed"], event["confirmed"]
            )
            if self.bar is not None:
                _write(line)
            else:
                print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class StatusLine:
    """One updating status line on a terminal (a bar without total): elapsed seconds, stage,
    step. Made only when stderr is a terminal; ``check`` shows nothing otherwise."""

    def __init__(self):
        self.bar = _bar(total=None, bar_format="[{elapsed_s:5.1f}s] {desc}")

    def __call__(self, stage: str, message: str) -> None:
        _describe(self.bar, f"{stage}: {message}")  # refreshes

    def close(self) -> None:
        self.bar.close()
