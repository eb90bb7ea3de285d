"""Algorithm substitution: the whole reference replaced by a primitive that behaves like it.

The seed's evaluation probed the reference's outputs (``cascade/behaviour.py``) against the
templates of ``parevo_lab.primitives.templates``; each template that held becomes one candidate
here: the reference's signature, one call of the primitive, adapters for the reference's
conventions. Exact templates come first (they reproduce the reference's output); templates that
produce *an* answer with the output's property (any maximal independent set, any spanning forest)
are proposed only when the task has its own ``check``, since an exact comparison would reject them
anyway. The cascade decides, as for every candidate: a reference that only looks like a template on
small inputs gets a wrong candidate, and the verdict says so.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ...primitives import templates
from ..generators.base import Context, Proposal

FAMILY = "template"  # the archive's family of every substitution


def parameter_names(function: ast.FunctionDef) -> list[str]:
    return [a.arg for a in function.args.posonlyargs + function.args.args]


def proposals(function: ast.FunctionDef, context: Context) -> Iterator[Proposal]:
    """One candidate per template the reference matched (none when it was not probed)."""
    behaviour = context.behaviour or {}
    where = behaviour.get("inputs")
    if where is None:
        return
    names = parameter_names(function)
    for template, match in templates.usable(behaviour):
        if max(v for v in where.values() if type(v) is int) >= len(names):
            continue  # a signature with *args: the probe's positions name no parameter
        source = template.kernel(names, where, match["convention"], behaviour.get("dtype"))
        kind = "the same output" if template.exact else "an answer the task's check accepts"
        yield Proposal(
            source=source,
            label=(
                f"substitute {template.name} ({templates.said(match['convention'])}): "
                f"primitives.{template.primitive} for the whole reference ({kind})"
            ),
            genome=None,
            family=f"{FAMILY}:{template.primitive}",
        )


def note(context: Context) -> str:
    """Why no substitution was proposed, in one line ("" when one was, or no probe ran)."""
    behaviour = context.behaviour
    if not behaviour:
        return ""
    if behaviour.get("note"):
        return f"no template: {behaviour['note']}"
    loose = [m for m in behaviour.get("matches") or [] if not m.get("exact")]
    if loose and not behaviour.get("check") and len(loose) == len(behaviour["matches"]):
        names = ", ".join(m["template"] for m in loose)
        return (
            f"no template: the outputs look like {names}, which gives another valid answer, but "
            "the task compares exactly (it has no check)"
        )
    return ""
