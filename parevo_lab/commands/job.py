"""``python -m parevo_lab.commands.job``: the job of the current folder (a run, a check or an
audit that the Jupyter server queued), started from the folder's ``request.json``.

The server writes the validated request and always starts this same fixed command in the folder;
nothing read from disk ever becomes a command line (the command's one argument is the random mark
the server gives each launch, which this module ignores: a restarted server adopts the process
only when its command line carries the mark the folder's job.json recorded). Here the request's
settings are checked once more against the same schema (``parevo_lab.schema``; NaN and Infinity
are refused) and turned into the arguments of ``parevo evolve``, ``parevo check`` or ``parevo
audit`` in one table per kind, so every setting the schema knows reaches the job (a test holds the
table to the schema) and anything else is an error, never dropped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import ParevoError
from ..schema import AUDIT_SETTINGS, CHECK_SETTINGS, LABELS
from ..settings import RUN_SETTINGS_SCHEMA

REQUEST_FILE = "request.json"
TASK_FILE = "task.py"
CANDIDATE_FILE = "candidate.py"
MUTANTS_FOLDER = "mutants"
KINDS = ("run", "check", "audit")

# The run settings, as `parevo evolve` flags.
RUN_FLAGS = {
    "generator": "--generator",
    "budget": "--budget",
    "seed": "--seed",
    "threads": "--threads",
    "seconds": "--seconds",
    "islands": "--islands",
    "profile_budget": "--profile-budget",
    "timeout": "--timeout",
    "base_url": "--base-url",
    "model": "--model",
    "target_threads": "--target-threads",
    "machine": "--machine",
}


class RequestError(ParevoError):
    """The folder's request file is not a job this command can run."""


def _flag_value(value) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _check_settings(settings: dict, known: dict) -> None:
    """``settings`` against ``known`` (a request schema's properties; the labels pass)."""
    import jsonschema

    unknown = sorted(set(settings) - set(known) - set(LABELS))
    if unknown:
        raise RequestError(f"{REQUEST_FILE}: unknown setting(s) {', '.join(unknown)}")
    schema = {k: v for k, v in known.items() if k in settings}
    try:
        jsonschema.validate(settings, {"type": "object", "properties": schema})
    except jsonschema.ValidationError as error:
        where = ".".join(str(p) for p in error.absolute_path) or "settings"
        raise RequestError(f"{REQUEST_FILE}: {where}: {error.message}") from None


def arguments(request: dict) -> list[str]:
    """The ``parevo`` arguments of the job ``request`` asks for (RequestError when it is not
    one)."""
    kind = request.get("kind")
    settings = request.get("settings") or {}
    if kind not in KINDS or not isinstance(settings, dict):
        raise RequestError(f"{REQUEST_FILE}: kind {kind!r} is not one of {', '.join(KINDS)}")
    settings = {k: v for k, v in settings.items() if v is not None}  # unset: the default
    if kind == "run":
        _check_settings(settings, RUN_SETTINGS_SCHEMA)
        args = ["evolve", TASK_FILE, "--out", ".", "--json"]
        for key, flag in RUN_FLAGS.items():
            if settings.get(key) is not None:
                args += [flag, _flag_value(settings[key])]
        if request.get("budget"):  # a resumed run's new total
            args += ["--budget", str(int(request["budget"]))]
        if request.get("resume"):
            args.append("--resume")
        else:
            for i, function in enumerate(request.get("candidates") or []):
                if not str(function).isidentifier():
                    raise RequestError(f"{REQUEST_FILE}: candidate function {function!r}")
                args += ["--add", f"manual-{i}.py:{function}"]
        return args
    if kind == "check":
        _check_settings(settings, CHECK_SETTINGS)
        function = settings.get("function") or "kernel"
        args = ["check", TASK_FILE, f"{CANDIDATE_FILE}:{function}", "--json", "--db"]
        args.append("check.sqlite")
        if settings.get("profile") is False:
            args.append("--no-profile")
        if settings.get("profile_budget"):
            args += ["--profile-budget", _flag_value(settings["profile_budget"])]
        if settings.get("timeout"):
            args += ["--timeout", _flag_value(settings["timeout"])]
        if settings.get("machine"):
            args += ["--machine", settings["machine"]]
    else:
        _check_settings(settings, AUDIT_SETTINGS)
        args = ["audit", TASK_FILE, "--json", "--out", MUTANTS_FOLDER]
        if settings.get("timeout"):
            args += ["--timeout", _flag_value(settings["timeout"])]
    if settings.get("threads"):
        args += ["--threads", _flag_value(settings["threads"])]
    return args


def _not_a_number(name: str):
    """NaN and Infinity pass every numeric limit of a schema (a NaN timeout never expires)."""
    raise ValueError(f"{REQUEST_FILE}: {name} is not a finite number")


def main(folder: Path | None = None) -> int:
    from . import main as parevo

    folder = Path(folder or ".")
    try:
        text = (folder / REQUEST_FILE).read_text(encoding="utf-8")
        request = json.loads(text, parse_constant=_not_a_number)
        if not isinstance(request, dict):
            raise RequestError(f"{REQUEST_FILE}: not a JSON object")
        args = arguments(request)
    except (OSError, ValueError, RecursionError, RequestError) as exc:
        print(f"parevo: error: cannot start the job: {exc}", file=sys.stderr)
        return 2
    return parevo(args)


if __name__ == "__main__":
    from ..cli import _stop_on_sigterm

    _stop_on_sigterm()
    sys.exit(main())
