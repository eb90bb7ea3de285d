"""The one base of every error a user can fix (schema layer: imports nothing else of ours).

Each carries a one-line message that names the problem and the fix, the exit code the CLI ends
with and the HTTP status the server answers with, so the CLI catches ``ParevoError`` once and the
server maps any of them to its status without a hand-kept list.
"""

from __future__ import annotations

EXIT_USAGE = 2  # a usage error or an unusable input: the CLI's exit code


class ParevoError(Exception):
    """A problem with what the user gave (a file, a setting, a request), not a bug of ours."""

    exit_code: int = EXIT_USAGE
    http_status: int = 400


class NotFoundError(ParevoError, LookupError):
    """Something named does not exist (a run, a check, a candidate): 404."""

    http_status = 404


class ConflictError(ParevoError, RuntimeError):
    """The request does not fit the object's state (e.g. resuming a running run): 409."""

    http_status = 409
