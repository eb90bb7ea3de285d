"""The subcommands of ``parevo``, one module each: ``add_parser(sub)`` defines a command's
arguments and ``run(args)`` runs it and returns the exit code. ``common`` holds what they share.

Exit codes: 0 the verdict is ok, 1 the candidate failed a gate, 2 a usage error or an unusable
task file (the message says which and how to fix it). The modules import the heavy parts of the
package inside ``run``, so that ``parevo --help`` stays fast.
"""

from __future__ import annotations

import argparse
import sys

from ..sandbox.reach import protect_process
from ..version import __version__
from . import audit, bench, calibrate, check, evolve, explain, export, races, report
from .common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError

# In the order of ``parevo --help``.
COMMANDS = {
    "check": check,
    "bench": bench,
    "audit": audit,
    "races": races,
    "explain": explain,
    "evolve": evolve,
    "report": report,
    "export": export,
    "calibrate": calibrate,
}

__all__ = ["COMMANDS", "EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "main"]


class Parser(argparse.ArgumentParser):
    """argparse with a usage error on one line that names the problem and where the fix is
    (its subcommands' parsers are of this class too)."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="parevo",
        description="ParEVO Lab: verified, profiled parallel numba kernels for irregular data.",
    )
    parser.add_argument("--version", action="version", version=f"parevo-lab {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # before anything else: the candidates this process starts run as its user, and must not
    # read the secrets it started with through /proc/<pid>/environ or its memory (a job of the
    # Jupyter server holds the model key there)
    protect_process()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    module = COMMANDS.get(args.command)
    if module is None:  # pragma: no cover - argparse rejects unknown commands
        return EXIT_USAGE
    return module.run(args)
