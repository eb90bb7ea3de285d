"""The JSON Schemas of the check report's parts (schema layer): ``schema_of`` turns a ``results``
dataclass into the schema of what its ``to_dict`` writes, from the fields' annotations and
trailing comments; ``compiled_view_schema()`` is the compiled view the panel shows, from which
``scripts/api_schema.py`` writes ``api-schema/compiled-view.json`` (and so the TypeScript types).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing

from . import results


def schema_of(cls, required: dict[str, tuple[str, ...]] | None = None) -> dict:
    """The JSON Schema of a ``results`` dataclass as its ``to_dict`` writes it, from the fields'
    annotations; the dataclasses it holds go to ``definitions`` under their class names (which
    json2ts makes the TypeScript interfaces' names). ``required`` names, per class, the fields a
    reader may count on (stored reports older than a field lack it); by default, the fields
    without a default value."""
    definitions: dict[str, dict] = {}
    top = _object_schema(cls, required or {}, definitions)
    definitions.pop(cls.__name__, None)
    return {**top, "definitions": definitions} if definitions else top


def _object_schema(cls, required: dict, definitions: dict) -> dict:
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    missing = dataclasses.MISSING
    default = [f.name for f in fields if f.default is missing and f.default_factory is missing]
    said = _comments(cls)
    return {
        "type": "object",
        "title": cls.__name__,
        "description": " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split()),
        "additionalProperties": False,
        "required": list(required.get(cls.__name__, default)),
        "properties": {
            f.name: {
                **_type_schema(hints[f.name], required, definitions),
                **({"description": said[f.name]} if f.name in said else {}),
            }
            for f in fields
        },
    }


def _comments(cls) -> dict[str, str]:
    """Each field's trailing comment in the class's source: its description."""
    import inspect
    import re

    return dict(re.findall(r"(?m)^\s+(\w+): [^#\n]*#\s*(.+?)\s*$", inspect.getsource(cls)))


def _type_schema(hint, required: dict, definitions: dict) -> dict:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        if hint.__name__ not in definitions:
            definitions[hint.__name__] = {}  # a placeholder first: a class may hold itself
            definitions[hint.__name__] = _object_schema(hint, required, definitions)
        return {"$ref": f"#/definitions/{hint.__name__}"}
    if origin in (types.UnionType, typing.Union):
        return {"anyOf": [_type_schema(a, required, definitions) for a in args]}
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0], required, definitions)}
    if hint is dict or origin is dict:
        values = _type_schema(args[1], required, definitions) if args else {}
        return {"type": "object", "additionalProperties": values}
    simple = {int: "integer", float: "number", str: "string", bool: "boolean", type(None): "null"}
    return {"type": simple[hint]} if hint in simple else {}  # {}: typing.Any


@functools.cache
def compiled_view_schema() -> dict:
    """The JSON Schema of a report's ``compiled`` (``results.CompiledView``, the Compiled tab's
    data), made on first use: reading its fields' comments costs ~10 ms, not worth every import."""
    return schema_of(
        results.CompiledView,
        {
            "CompiledView": ("status", "remarks", "loops", "notes"),
            "CompiledLoop": ("line", "prange_line", "function", "role", "status", "findings"),
            "LoopFinding": ("code", "title", "line", "expression", "text", "fix"),
            "CodeLine": ("text", "line"),
        },
    )
