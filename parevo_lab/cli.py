"""``parevo``: the command line of ParEVO Lab.

The subcommands live in ``parevo_lab.commands``, one module each; this module is the console
script's entry point (``parevo_lab.cli:entry``) and what ``python -m parevo_lab.cli`` runs.

Exit codes: 0 the verdict is ok, 1 the candidate failed a gate, 2 a usage error or an unusable
task file (the message says which and how to fix it).
"""

from __future__ import annotations

import sys

from .commands import EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, build_parser, main

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "UsageError", "build_parser", "entry", "main"]


def _stop_on_sigterm() -> None:
    """SIGTERM (a stop from the Jupyter server, ``kill``) stops like Ctrl-C: the sandboxed child
    is killed, the run is recorded as stopped and stays resumable."""
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def _terminal_safe() -> None:
    """On a terminal, what the CLI prints (a candidate's exception text among it) shows control
    characters as ``\\xNN`` instead of sending them: no escape sequence reaches the terminal."""
    from .report.escape import TerminalText

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and stream.isatty():
            setattr(sys, name, TerminalText(stream))


def entry() -> int:
    """The console script: ``main`` with a quiet exit when stdout is closed early (``| head``)."""
    _stop_on_sigterm()
    _terminal_safe()
    try:
        return main()
    except KeyboardInterrupt:
        print("\nparevo: stopped", file=sys.stderr)
        return 130
    except BrokenPipeError:
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(entry())
