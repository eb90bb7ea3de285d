"""The generator interface that every generator implements and the engine drives: proposals,
candidates of a run's population, the context a generator sees. A generator never runs a candidate.

``propose(parent, context)`` yields ``Proposal``s for one parent, best first; the engine takes the
first whose source the run does not hold yet. The rule generator yields every move it knows for
that parent; the language-model generator yields one answer per model call.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from ...errors import ParevoError
from ...task import Task


class GeneratorError(ParevoError):
    """The generator cannot work at all (no endpoint configured, a bad setting): a clear message."""


@dataclass
class Proposal:
    source: str
    label: str  # the transformation or prompt that produced it: the lineage edge's label
    genome: dict | None = None  # the rule generator's plan; None for other origins
    family: str = ""  # the strategy family, one axis of the archive
    function: str = "kernel"
    tokens: int = 0  # model tokens spent producing it
    cost: float = 0.0  # model cost spent producing it (in the endpoint's currency)


@dataclass
class Candidate:
    """One candidate of a run's population, with its evaluation's outcome (its row in every view
    is ``schema.CANDIDATE``; its code is ``source`` and ``function``)."""

    id: int
    parent_id: int | None
    origin: str  # seed, rules, llm, manual
    label: str
    source: str
    genome: dict | None = None
    family: str = ""
    island: int = 0
    verdict: str | None = None  # None until evaluated
    speedup: float | None = None
    speedup_low: float | None = None  # the lower end of its 95% interval
    threads: int | None = None
    evaluation_id: int | None = None
    report: dict | None = None
    function: str = "kernel"
    tokens: int = 0
    cost: float = 0.0
    created: str = ""
    summary: str = ""  # the evaluation's one line
    confirmed: bool | None = None  # beat the best on an interleaved re-timing; None: not re-timed
    retimed: dict | None = None  # that comparison (schema.RETIMED)
    projected: bool = False  # speedup is projected to ``threads`` (beyond this machine's cores)

    @property
    def evaluated(self) -> bool:
        return self.evaluation_id is not None

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


@dataclass
class Context:
    task: Task
    candidates: list[Candidate]
    rng: random.Random
    variables: dict[str, str] = field(default_factory=dict)  # the reference's local types
    behaviour: dict | None = None  # what the reference's outputs look like (cascade/behaviour)

    def candidate(self, candidate_id: int | None) -> Candidate | None:
        return next((m for m in self.candidates if m.id == candidate_id), None)

    def children(self, candidate: Candidate) -> list[Candidate]:
        return [m for m in self.candidates if m.parent_id == candidate.id]

    def lineage(self, candidate: Candidate) -> list[Candidate]:
        """The candidate and its ancestors, the candidate first."""
        chain, seen = [], set()
        while candidate is not None and candidate.id not in seen:
            chain.append(candidate)
            seen.add(candidate.id)
            candidate = self.candidate(candidate.parent_id)
        return chain


class Generator(Protocol):
    name: str

    def seed(self, task: Task) -> Proposal: ...

    def propose(self, parent: Candidate, context: Context) -> Iterator[Proposal]: ...
