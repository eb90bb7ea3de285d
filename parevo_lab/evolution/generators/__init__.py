"""Generators propose candidates; the engine evaluates them. A generator never runs a candidate.

``propose(parent, context)`` yields ``Proposal``s for one parent, best first; the engine takes the
first whose source the run does not hold yet. The rule generator yields every move it knows for
that parent; the language-model generator yields one answer per model call. The interface lives
in ``base`` (both generators import it); ``get`` is the factory.
"""

from __future__ import annotations

from .base import Candidate, Context, Generator, GeneratorError, Proposal

__all__ = ["Context", "Generator", "GeneratorError", "Candidate", "Proposal", "get"]


def get(name: str, **settings) -> Generator:
    """The generator called ``name`` (rules or llm)."""
    if name == "rules":
        from ..rules.generator import RulesGenerator

        return RulesGenerator()
    if name == "llm":
        try:
            from .llm import LLMGenerator
        except ImportError:
            raise GeneratorError("the llm generator is not available in this version") from None
        return LLMGenerator(**settings)
    raise GeneratorError(f"unknown generator {name!r}: use rules or llm")
