"""What a request may carry: a body within the size cap, JSON with finite numbers and valid
Unicode, fitting its schema, and ids made of ASCII letters and digits.

A refusal is one line that names the field; a value it echoes is cut short (a 2 MB value does not
come back whole), and a list or string over its schema's bound is refused by its length before
the schema looks at each item (a 10^5-entry list is not validated item by item on the event
loop).
"""

from __future__ import annotations

import json
import re

import jsonschema

from ..errors import NotFoundError, ParevoError
from ..settings import MAX_BODY_BYTES

ECHO = 200  # characters of a value a message may show
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")  # a run's, check's or audit's id
_CANDIDATE_ID = re.compile(r"[1-9][0-9]{0,17}")  # below 2**63, SQLite's largest integer
_LONG_QUOTE = re.compile(rf"'[^']{{{ECHO + 1},}}'")


class BadRequest(ParevoError, ValueError):
    """The request names something unusable, e.g. a cell that is not a task (400)."""


class BodyTooLarge(ParevoError):
    """A body over the cap (413)."""

    http_status = 413


class _NotFinite:
    """What NaN, Infinity and -Infinity parse to: found and named after parsing."""

    def __init__(self, name: str):
        self.name = name


def short(value) -> str:
    """``repr(value)``, cut to about ``ECHO`` characters."""
    text = repr(value)
    if len(text) <= ECHO:
        return text
    return f"{text[:ECHO]}... ({len(text):,} characters)"


def parse(raw: bytes | None, schema: dict) -> dict:
    """The body as JSON if it fits ``schema``; BadRequest (or BodyTooLarge) in one line."""
    raw = raw or b"{}"
    if len(raw) > MAX_BODY_BYTES:
        raise BodyTooLarge(
            f"invalid request: the body is {len(raw) / 2**20:.1f} MiB, at most "
            f"{MAX_BODY_BYTES // 2**20} MiB: send the task and the candidates, not data"
        )
    try:
        data = json.loads(raw, parse_constant=_NotFinite)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("invalid request: the body is not JSON (send a JSON object)") from None
    where, what = _first_unusable(data)
    if isinstance(what, _NotFinite):
        raise BadRequest(
            f"invalid request: {where}: {what.name} is not a finite number (JSON has no NaN or "
            "Infinity): send a finite number"
        )
    if where is not None:  # "\ud800" is valid JSON but no file or process can take it
        raise BadRequest(
            f"invalid request: {where}: holds a lone surrogate (\\ud800-\\udfff) that UTF-8 "
            "cannot encode: send valid Unicode text"
        )
    return validate(data, schema)


def validate(body, schema: dict) -> dict:
    """The body if it fits ``schema``; BadRequest naming the first field that does not."""
    too_long = _over_bounds(body, schema, "")
    if too_long:
        raise BadRequest(f"invalid request: {too_long}")
    try:
        jsonschema.validate(body, schema)
    except jsonschema.ValidationError as error:  # already the best match of all errors
        where = ".".join(str(p) for p in error.absolute_path) or "body"
        message = error.message.replace(repr(error.instance), short(error.instance))
        message = _LONG_QUOTE.sub(lambda m: short(m.group(0)[1:-1]), message)  # e.g. a key
        if error.validator == "additionalProperties":
            allowed = ", ".join(sorted(schema.get("properties", {})))
            message += f" (allowed: {allowed})"
        elif error.validator == "required":
            message += " (see docs/server.md for the fields)"
        raise BadRequest(f"invalid request: {where}: {message}") from None
    return body


def _over_bounds(value, schema: dict, where: str) -> str | None:
    """The first list or string in ``value`` longer than its schema's ``maxItems`` or
    ``maxLength``, as ``field: N items, at most M``; None when none is."""
    name = where or "body"
    if isinstance(value, list):
        most = schema.get("maxItems")
        if most is not None and len(value) > most:
            return f"{name}: {len(value)} items, at most {most}"
        items = schema.get("items")
        if isinstance(items, dict):
            for i, item in enumerate(value):
                found = _over_bounds(item, items, f"{where}.{i}" if where else str(i))
                if found:
                    return found
    elif isinstance(value, str):
        most = schema.get("maxLength")
        if most is not None and len(value) > most:
            return f"{name}: {len(value):,} characters, at most {most:,}"
    elif isinstance(value, dict):
        known = schema.get("properties") or {}
        for key, item in value.items():
            if key in known:
                found = _over_bounds(item, known[key], f"{where}.{key}" if where else key)
                if found:
                    return found
    return None


def _first_unusable(value, path: str = ""):
    """(field, value) of the first NaN/Infinity or string UTF-8 cannot encode in ``value``
    (``task``, ``candidates.0.source``), or (None, None). Keys that are not plain names are shown
    JSON-escaped and cut short, on one line."""
    if isinstance(value, _NotFinite):
        return path or "body", value
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "body", value
    elif isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            plain = isinstance(key, int) or (key.isidentifier() and len(key) <= ECHO)
            name = str(key) if plain else json.dumps(key)[:ECHO]
            where = f"{path}.{name}" if path else name
            found = _first_unusable(key, where) if isinstance(key, str) else (None, None)
            if found[0] is None:
                found = _first_unusable(item, where)
            if found[0] is not None:
                return found
    return None, None


def job_id(kind: str, text: str) -> str:
    """``text`` if it can be the id of a run, check or audit; NotFound in one line if not."""
    if not _ID.fullmatch(text):
        raise NotFoundError(
            f"no {kind} {short(text)}: an id is ASCII letters, digits, '.', '_' and '-' "
            "(at most 128)"
        )
    return text


def candidate_id(text: str) -> int:
    """A candidate's id from a URL: ASCII digits only (``str.isdigit`` takes '²' and '١')."""
    if not _CANDIDATE_ID.fullmatch(text):
        raise NotFoundError(
            f"no candidate {short(text)}: candidate ids are whole numbers from 1 "
            "(GET runs/<id>/candidates lists them)"
        )
    return int(text)
