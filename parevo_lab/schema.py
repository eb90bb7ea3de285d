"""The shapes every road shares (schema layer: imports only ``settings`` and ``results``).

- the REST API's request bodies (``RUN_REQUEST``, ``CHECK_REQUEST``, ...), which the server
  validates and the job started from a run folder validates again;
- one **candidate** row (``CANDIDATE``): an entry of a run's population as the store, the run
  folder (``rundir``), the REST API, the event stream, the notebook widget, the reports and
  ``parevo evolve --json`` all show it;
- **the best** (``BEST``) and the rule that picks it (``best_of``), computed here only;
- a **run's state** (``RUN_STATE``) as ``rundir.read_run`` returns it.

``scripts/api_schema.py`` writes these JSON Schemas to ``api-schema/`` and ``jlpm build:types``
turns them into the front end's TypeScript types (``src/generated/``), so Python and TypeScript
cannot drift apart. The check report's parts are the dataclasses of ``results``;
``report_shapes.schema_of`` turns one into its JSON Schema.
"""

from __future__ import annotations

from .settings import MACHINE_NAME, RUN_SETTINGS_SCHEMA

# ---------------------------------------------------------------- request bodies (REST API)
NAME = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "maxLength": 100}
SOURCE = {"type": "string", "minLength": 1, "maxLength": 1_000_000}
LABEL = {"type": "string", "maxLength": 4096}
TITLE = {"type": "string", "maxLength": 200}
_THREADS = RUN_SETTINGS_SCHEMA["threads"]
_BUDGET = RUN_SETTINGS_SCHEMA["budget"]
_TIMEOUT = {k: v for k, v in RUN_SETTINGS_SCHEMA["timeout"].items() if k != "default"}
#: What a request may carry only for the workbench to show (never a job's business).
LABELS = ("name", "notebook", "cell_id")
_LABELS = {"name": TITLE, "notebook": LABEL, "cell_id": LABEL}


def _request(required: list[str], **properties) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


#: The settings a check job takes, besides the task and candidate sources.
CHECK_SETTINGS = {
    "function": NAME,
    "threads": _THREADS,
    "profile": {"type": "boolean"},
    "profile_budget": {
        k: v for k, v in RUN_SETTINGS_SCHEMA["profile_budget"].items() if k != "default"
    },
    "timeout": _TIMEOUT,
    "machine": {k: v for k, v in MACHINE_NAME.items() if k != "default"},
}
#: The settings an audit job takes, besides the task source.
AUDIT_SETTINGS = {"threads": _THREADS, "timeout": _TIMEOUT}

RUN_REQUEST = _request(
    ["task"],
    task={**SOURCE, "description": "source of the task: reference + make_inputs"},
    **RUN_SETTINGS_SCHEMA,  # generator, budget, seed, threads, ...: parevo_lab/settings.py
    **_LABELS,
    candidates={
        "type": "array",
        "maxItems": 16,
        "items": _request(["source"], source=SOURCE, function=NAME),
    },
)
RESUME_REQUEST = _request([], budget=_BUDGET)
CANDIDATE_REQUEST = _request(["source"], source=SOURCE, function=NAME)
PARENT_REQUEST = _request([], resume={"type": "boolean"})
#: ``parevo export``'s record kinds and file formats (docs/datasets.md), and the panel's request.
EXPORT_KINDS, EXPORT_FORMATS = ("sft", "preference", "repair"), ("jsonl", "parquet")
EXPORT_REQUEST = _request(
    [],
    kind={"enum": [*EXPORT_KINDS, "all"]},
    format={"enum": list(EXPORT_FORMATS)},
    min_ci_speedup={"type": "number", "exclusiveMinimum": 0, "maximum": 1000},
)
CHECK_REQUEST = _request(
    ["task", "candidate"], task=SOURCE, candidate=SOURCE, **CHECK_SETTINGS, **_LABELS
)
AUDIT_REQUEST = _request(["task"], task=SOURCE, **AUDIT_SETTINGS, **_LABELS)
CELLS_REQUEST = _request(
    ["cells", "active"],
    cells={
        "type": "array",
        "maxItems": 10_000,
        "items": {"type": "string", "maxLength": 1_000_000},
        "description": "the notebook's cell sources, in order",
    },
    active={"type": "integer", "minimum": 0, "description": "the index of the cell acted on"},
)

_CELL = {
    "type": "object",
    "description": "one notebook cell as parevo_lab.cells reads it",
    "additionalProperties": False,
    "required": ["index", "kind", "python", "magic", "functions", "kernel", "problem", "options"],
    "properties": {
        "index": {"type": "integer", "minimum": 0},
        "kind": {"enum": ["task", "kernel", "other", "empty"]},
        "python": {"type": "string", "description": "the source to check, line for line"},
        "magic": {"type": "string"},
        "functions": {"type": "array", "items": {"type": "string"}},
        "kernel": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "problem": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "options": {
            "type": "object",
            "description": "its ParEVO magic's options, as running the cell reads them",
            "additionalProperties": False,
            "properties": {
                "name": NAME,
                "function": NAME,
                "threads": {"type": "array", "items": {"type": "integer", "minimum": 1}},
                "no_profile": {"type": "boolean"},
                "timeout": {"type": "number"},
                "profile_budget": {"type": "number"},
                "budget": {"type": "number"},
            },
        },
    },
}
#: The answer to ``POST cells``: the cell acted on and the task cell that goes with it.
CELLS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["cell", "task", "note"],
    "properties": {
        "cell": {"$ref": "#/definitions/cell"},
        "task": {"anyOf": [{"$ref": "#/definitions/cell"}, {"type": "null"}]},
        "note": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "which task cell was taken, when the user should know",
        },
    },
    "definitions": {"cell": _CELL},
}

# ---------------------------------------------------------------- a candidate of a run
VERDICTS = ("ok", "compile_error", "runtime_error", "timeout", "wrong", "race")
_VERDICT = {"anyOf": [{"enum": list(VERDICTS)}, {"type": "null"}]}
_ID = {"type": "integer", "minimum": 1}
_OPTIONAL_ID = {"anyOf": [_ID, {"type": "null"}]}
_NUMBER = {"anyOf": [{"type": "number"}, {"type": "null"}]}
_INTEGER = {"anyOf": [{"type": "integer"}, {"type": "null"}]}

#: A candidate's interleaved re-timing against the best of its time (``cascade/duel.py``): run when
#: it would have become the best, it decides whether it does.
RETIMED = {
    "type": "object",
    "description": "the candidate and the best of its time timed side by side, interleaved",
    "additionalProperties": False,
    "required": ["against", "ratio", "low", "high", "rounds", "threads", "seconds", "error"],
    "properties": {
        "against": {**_ID, "description": "the best it was timed against"},
        "ratio": {
            **_NUMBER,
            "description": "its speed over the best's: the median of the rounds' time ratios",
        },
        "low": {**_NUMBER, "description": "the lower end of the ratio's 95% interval"},
        "high": {**_NUMBER, "description": "the upper end of the ratio's 95% interval"},
        "rounds": {"type": "integer", "minimum": 0, "description": "rounds timed (A B, B A, ...)"},
        "threads": {**_INTEGER, "description": "the thread count both ran at"},
        "seconds": {"type": "number", "minimum": 0, "description": "wall seconds it took"},
        "error": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "description": "why no comparison came back (then it is not confirmed)",
        },
        "contradicted": {
            "type": "object",
            "description": (
                "a first re-timing that called the candidate surely slower where both profiles "
                "called it surely faster; it was repeated, and the figures above are the repeat's"
            ),
            "additionalProperties": False,
            "required": ["ratio", "low", "high"],
            "properties": {"ratio": _NUMBER, "low": _NUMBER, "high": _NUMBER},
        },
    },
}

CANDIDATE = {
    "type": "object",
    "description": "one candidate of a run's population",
    "additionalProperties": False,
    "required": [
        "id",
        "parent_id",
        "origin",
        "label",
        "family",
        "island",
        "created",
        "verdict",
        "speedup",
        "speedup_low",
        "threads",
        "summary",
        "tokens",
        "cost",
        "confirmed",
        "retimed",
        "projected",
        "state",
    ],
    "properties": {
        "id": _ID,
        "parent_id": _OPTIONAL_ID,
        "origin": {"type": "string", "description": "seed, rules, llm or manual"},
        "label": {"type": "string", "description": "the move or prompt that made it"},
        "family": {"type": "string", "description": "its strategy family"},
        "island": {"type": "integer", "minimum": 0},
        "created": {"type": "string"},
        "verdict": _VERDICT,
        "speedup": {**_NUMBER, "description": "over the serial numba reference"},
        "speedup_low": {**_NUMBER, "description": "the lower end of its 95% interval"},
        "threads": {**_INTEGER, "description": "where that speedup was measured (or projected)"},
        "projected": {
            "type": "boolean",
            "description": "true: the speedup is projected to `threads` by the scaling model "
            "(a run ranking at --target-threads beyond the cores here), not measured",
        },
        "summary": {"type": "string", "description": "the evaluation's one line"},
        "tokens": {"type": "integer", "minimum": 0},
        "cost": {"type": "number", "minimum": 0},
        "confirmed": {
            "anyOf": [{"type": "boolean"}, {"type": "null"}],
            "description": "re-timed against the best, interleaved: true when surely faster (it "
            "became the best), false when not (it never takes the best's place); null when it "
            "was never compared (it could not have become the best, or the run predates this)",
        },
        "retimed": {
            "anyOf": [RETIMED, {"type": "null"}],
            "description": "that comparison; null when none was made",
        },
        "state": {"enum": ["pending", "evaluating", "evaluated"]},
    },
}
#: One candidate row's keys: the same in every view.
CANDIDATE_KEYS = tuple(k for k in CANDIDATE["required"] if k != "state")

BEST = {
    "type": "object",
    "description": "the best correct candidate of a run, as schema.best_of judges it: a "
    "candidate takes the best's place only when it beat the best on an interleaved re-timing "
    "(confirmed; for candidates never re-timed: when the lower end of its speedup's 95% "
    "interval beats the best's median)",
    "additionalProperties": False,
    "required": ["id", "label", "speedup", "threads", "projected"],
    "properties": {
        k: CANDIDATE["properties"][k] for k in ("id", "label", "speedup", "threads", "projected")
    },
}
_OPTIONAL_BEST = {"anyOf": [{"$ref": "#/definitions/best"}, {"type": "null"}]}

RUN_STATE = {
    "type": "object",
    "description": "a run folder's last run, as rundir.read_run returns it",
    "additionalProperties": False,
    "required": ["run", "task", "status", "reason", "population", "evaluations", "best"],
    "properties": {
        "run": _INTEGER,
        "task": {"type": "string"},
        "created": {"type": "string"},
        "generator": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "seed": _INTEGER,
        "settings": {
            "description": "what the run was started with (its budget among them)",
            "anyOf": [
                {
                    "type": "object",
                    "properties": {
                        "budget": {
                            "anyOf": [
                                {"type": "object", "properties": {"evaluations": _INTEGER}},
                                {"type": "null"},
                            ]
                        }
                    },
                },
                {"type": "null"},
            ],
        },
        "status": {"type": "string"},
        "reason": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "population": {"type": "integer", "minimum": 0, "description": "candidates in the run"},
        "evaluations": {"type": "integer", "minimum": 0},
        "evaluating": _OPTIONAL_ID,
        "best": _OPTIONAL_BEST,
        "candidates": {"type": "array", "items": {"$ref": "#/definitions/candidate"}},
    },
    "definitions": {"candidate": CANDIDATE, "best": BEST},
}


def _get(item, key: str):
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def floor(candidate) -> float:
    """What a candidate's speed surely is: the lower end of its speedup's 95% interval (its
    median when the interval is not known)."""
    low = _get(candidate, "speedup_low")
    return low if low is not None else (_get(candidate, "speedup") or 0.0)


def _against(candidate) -> int | None:
    retimed = _get(candidate, "retimed")
    return retimed.get("against") if isinstance(retimed, dict) else None


def best_steps(candidates) -> list:
    """The best after each candidate, in the order they were made (their ids): one entry per
    candidate of ``sorted(candidates, key=id)``, None while none is correct. ``best_of`` is the
    last entry; the progress figure and the stall count read the steps.

    A candidate that would have taken the best's place was re-timed against the best of its time,
    side by side (``confirmed``, with the comparison in ``retimed``): confirmed ones (``true``)
    form a chain, each measured against the one it displaced, and the best is the end of that
    chain, the one no later win was measured against (so the order in which a cluster's
    evaluations came back does not matter). A candidate that lost its re-timing (``false``) never
    takes the best's place. Before the first confirmed win (and in runs made before re-timing),
    the rule is the one of intervals: a candidate takes the place of the best so far only when
    even the lower end of its speedup's 95% interval beats the best's median (without intervals:
    the fastest, the earliest among equals)."""
    ordered = sorted(candidates, key=lambda c: _get(c, "id"))
    wins: list = []  # confirmed candidates, in id order
    beaten: set = set()  # the ids they were measured against
    by_rule = None
    steps = []
    for candidate in ordered:
        if _get(candidate, "verdict") == "ok":
            confirmed = _get(candidate, "confirmed")
            if confirmed is True:
                wins.append(candidate)
                beaten.add(_against(candidate))
            elif by_rule is None or (
                confirmed is not False and floor(candidate) > (_get(by_rule, "speedup") or 0.0)
            ):
                by_rule = candidate
        heads = [w for w in wins if _get(w, "id") not in beaten]
        steps.append(heads[-1] if heads else wins[-1] if wins else by_rule)
    return steps


def best_of(candidates):
    """The best correct candidate, or None when none is correct (``best_steps`` says how it is
    judged: a newcomer becomes the best only after it beat the best on an interleaved
    re-timing; without one, only when even the lower end of its speedup's 95% interval beats the
    best's median). One lucky measurement does not crown a kernel that is no faster.

    Works on rows (dicts with ``id``, ``verdict``, ``speedup``, ``speedup_low``, ``confirmed``,
    ``retimed``) and on objects with those attributes alike: the one rule every view uses."""
    steps = best_steps(candidates)
    return steps[-1] if steps else None


def best_row(candidate) -> dict | None:
    """``BEST`` of one candidate (row or object); None for None."""
    if candidate is None:
        return None
    out = {k: _get(candidate, k) for k in BEST["required"]}
    out["projected"] = bool(out["projected"])
    return out


def candidate_row(row, state: str | None = None) -> dict:
    """``CANDIDATE`` of a store row or a candidate object; ``state`` defaults to ``evaluated``
    once it has a verdict and ``pending`` before."""
    out = {k: _get(row, k) for k in CANDIDATE_KEYS}
    if out["summary"] is None:
        out["summary"] = ""
    out["projected"] = bool(out["projected"])
    out["state"] = state or ("evaluated" if out["verdict"] else "pending")
    return out
