"""The evolution engine: select a parent, ask the generator, evaluate in the sandbox, record.

The population lives in SQLite and the file is the checkpoint: every candidate is inserted before it
is evaluated and updated with its evaluation in one transaction, so resuming is reopening the
file. A candidate without an evaluation (the process was killed during it) is evaluated first; the
seed is inserted once, when the run is created; finished evaluations are never repeated.

Parent selection balances exploiting the best with exploring the rest:

- *repair*: a failed candidate that no child has tried to fix yet, newest first, unless three
  failures in a row already came from it: the failure just evaluated always, older ones with
  probability 0.8 (``--seed`` fixes the draw);
- *exploit*: islands take turns; the turn's island offers its fastest correct candidates;
- *explore*: the archive holds the fastest correct candidate of every cell (strategy family x
  speed bucket of half an octave); a random elite at least half as fast as the best is next;
- then every candidate with moves left, fastest first.

A correct candidate that would become the best is first re-timed against the best, interleaved,
and becomes the best only when it is surely faster (``selection.py``); the re-timing is part of
its evaluation: recorded with it in one transaction, and counted in the run's time.

The budget counts evaluations (the seed's included), wall seconds of this invocation, and model
tokens and cost; the run also stops when the best has not improved by 2% for ``stall``
evaluations, or when no candidate has a move left.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import settings
from ..cascade import CheckOptions
from ..errors import ParevoError
from ..kernel import Kernel
from ..schema import best_of, best_row, candidate_row
from ..task import Task
from .feedback import REPAIRABLE
from .generators import Candidate, Context, Generator, Proposal
from .selection import contest, since_improvement

REPAIR_SHARE = 0.8
REPAIR_CHAIN = 3  # failed generations in a row before a line of repairs is abandoned
PROPOSALS_PER_PARENT = 64  # proposals looked at per parent before it counts as exhausted
EXPLORE_FLOOR = 0.5  # elites slower than half the best are not explored


class RunError(ParevoError):
    """The run cannot start or resume (a clear message; nothing recorded is touched)."""


@dataclass
class Budget:
    evaluations: int = settings.EVALUATIONS
    seconds: float | None = None
    tokens: int | None = None
    cost: float | None = None
    stall: int | None = None  # default: half the evaluation budget, at least 4

    def stall_limit(self) -> int:
        return self.stall if self.stall is not None else max(4, self.evaluations // 2)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class EvolveResult:
    run_id: int
    task: Task
    candidates: list[Candidate]
    reason: str
    seconds: float
    out: Path | None = None
    best_path: Path | None = None
    settings: dict = field(default_factory=dict)
    failed_proposals: int = 0  # generator answers without usable code (this invocation)

    @property
    def evaluations(self) -> int:
        return sum(1 for m in self.candidates if m.evaluated)

    @property
    def best(self) -> Candidate | None:
        """The fastest correct candidate: the seed (the serial reference) when nothing beat it."""
        return best_of(self.candidates)

    @property
    def best_generated(self) -> Candidate | None:
        """The fastest correct candidate that is not the seed (generated or added by hand)."""
        return best_of([m for m in self.candidates if m.origin != "seed"])

    def first_ok(self) -> int | None:
        """Evaluations (the seed's included) until the first correct non-seed candidate."""
        count = 0
        for candidate in self.candidates:
            if candidate.evaluated:
                count += 1
                if candidate.ok and candidate.origin != "seed":
                    return count
        return None

    def to_dict(self) -> dict:
        best = self.best
        return {
            "run": self.run_id,
            "task": self.task.describe(),
            "generator": self.settings.get("generator"),
            "seed": self.settings.get("seed"),
            "best": None
            if best is None
            else {
                **best_row(best),
                "path": str(self.best_path) if self.best_path else None,
                "verdict": best.verdict,
                "origin": best.origin,
            },
            "evaluations": self.evaluations,
            "correct_parallel": self.best_generated is not None,
            "first_ok": self.first_ok(),
            "failed_proposals": self.failed_proposals,
            "stopped": self.reason,
            "seconds": round(self.seconds, 2),
            "tokens": sum(m.tokens for m in self.candidates),
            "cost": sum(m.cost for m in self.candidates),
            "out": str(self.out) if self.out else None,
            "candidates": [candidate_row(c) for c in self.candidates],
            "templates": _seed_report(self.candidates).get("behaviour"),  # (cascade/behaviour)
        }


Progress = Callable[[dict], None]


class Engine:
    def __init__(
        self,
        store,
        task: Task,
        generator: Generator,
        run_id: int,
        budget: Budget,
        seed: int = 0,
        islands: int = 2,
        options=None,
        progress: Progress | None = None,
        executor=None,
        in_flight: int | None = None,
        target_threads: int | None = None,
    ):
        from ..executor import LocalExecutor

        self.store = store
        self.task = task
        self.generator = generator
        self.run_id = run_id
        self.budget = budget
        self.seed = seed
        self.islands = max(1, islands)
        self.options = options
        self.progress = progress or (lambda event: None)
        self.executor = executor or LocalExecutor()
        self.in_flight = max(1, in_flight or self.executor.slots)
        self.exhausted: set[int] = set()
        self.target_threads = target_threads  # rank at P threads (projected beyond the cores)
        self.retime_s = settings.RETIME_BUDGET_S  # interleaved timing of a contender vs the best
        self._evaluated_at_start = 0  # evaluations recorded before this invocation
        self._reports: dict[int, dict | None] = {}

    # -- the population, read back from the store --------------------------------------------

    def candidates(self) -> list[Candidate]:
        out = []
        for row in self.store.candidates(self.run_id):
            report = None
            if row["evaluation_id"]:  # a report never changes: read each one once per run
                if row["evaluation_id"] not in self._reports:
                    self._reports[row["evaluation_id"]] = self.store.report(row["evaluation_id"])
                report = self._reports[row["evaluation_id"]]
            out.append(
                Candidate(
                    id=row["id"],
                    parent_id=row["parent_id"],
                    origin=row["origin"],
                    label=row["label"],
                    source=self.store.kernel_source(row["source_hash"]) or "",
                    genome=row["genome"],
                    family=row["family"],
                    island=row["island"],
                    verdict=row["verdict"],
                    speedup=row["speedup"],
                    speedup_low=row["speedup_low"],
                    threads=row["threads"],
                    evaluation_id=row["evaluation_id"],
                    report=report,
                    function=row["function"],
                    tokens=row["tokens"],
                    cost=row["cost"],
                    created=row["created"],
                    summary=row["summary"],
                    confirmed=row["confirmed"],
                    retimed=row["retimed"],
                    projected=bool(row.get("projected")),
                )
            )
        return out

    def add(
        self, proposal: Proposal, parent: Candidate | None, origin: str, island: int
    ) -> int | None:
        kernel = Kernel(source=proposal.source, function=proposal.function)
        return self.store.add_candidate(
            self.run_id,
            self.task,
            kernel,
            parent_id=parent.id if parent else None,
            origin=origin,
            label=proposal.label,
            genome=proposal.genome,
            family=proposal.family,
            island=island,
            tokens=proposal.tokens,
            cost=proposal.cost,
        )

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> tuple[list[Candidate], str]:
        """Evaluate pending candidates and grow new ones until a budget or the moves run out.

        With an executor of several slots (Dask), that many evaluations are in flight at once:
        a new candidate is grown whenever a slot is free, from the candidates evaluated so far, and
        each report is recorded (by this process alone) as it arrives."""
        import concurrent.futures

        started = time.monotonic()
        candidates = self.candidates()
        self._evaluated_at_start = sum(1 for m in candidates if m.evaluated)
        if not candidates:
            self.add(self.generator.seed(self.task), None, "seed", 0)
            candidates = self.candidates()
        slots = self.in_flight
        flying: dict[concurrent.futures.Future, Candidate] = {}
        try:
            while True:
                busy = {m.id for m in flying.values()}
                pending = [m for m in candidates if not m.evaluated and m.id not in busy]
                evaluations = sum(1 for m in candidates if m.evaluated)
                if len(flying) < slots:
                    if pending:
                        self._submit(pending[0], evaluations, flying)
                        continue
                    reason = self._stop_reason(candidates, started, in_flight=len(flying))
                    if not reason:
                        if self._grow(candidates, evaluations + len(flying)) is not None:
                            candidates = self.candidates()
                            continue
                        explain = getattr(self.generator, "explain", lambda task: None)
                        reason = explain(self.task) or "no candidate has a move left"
                    if not flying:
                        break
                    # else: wait; the candidates in flight may open new moves when they return
                candidates = self._record(flying)
        finally:
            for future in flying:
                future.cancel()
        return candidates, reason

    def _submit(self, candidate: Candidate, evaluations: int, flying: dict) -> None:
        self.progress({"type": "evaluating", "candidate": candidate, "evaluations": evaluations})
        kernel = Kernel(source=candidate.source, function=candidate.function)
        options = self.options
        if candidate.origin == "seed":  # the reference itself: also say what its outputs are
            options = replace(options or CheckOptions(), behaviour=True)
        flying[self.executor.submit(self.task, kernel, options)] = candidate

    def _record(self, flying: dict) -> list[Candidate]:
        """Wait for one evaluation in flight (or more), record each report as it comes."""
        import concurrent.futures

        from ..metrics import sample_of

        done, _ = concurrent.futures.wait(flying, return_when=concurrent.futures.FIRST_COMPLETED)
        candidates = self.candidates()
        for future in sorted(done, key=lambda f: flying[f].id):
            candidate = flying.pop(future)
            report = future.result()  # a TaskError or a sandbox that cannot start ends the run
            kernel = Kernel(source=candidate.source, function=candidate.function)
            sample = sample_of(report, self.target_threads)
            confirmed, retimed = contest(self, candidate, report, sample, candidates)
            self.store.finish_candidate(
                candidate.id, self.task, kernel, report, sample, confirmed, retimed
            )
            candidates = self.candidates()
            recorded = next(m for m in candidates if m.id == candidate.id)
            best = best_of(candidates)
            evaluations = sum(1 for m in candidates if m.evaluated)
            event = {"candidate": recorded, "evaluations": evaluations, "best": best}
            self.progress({"type": "evaluated", **event})
            if retimed is not None:
                self.progress(
                    {"type": "retimed", **event, "confirmed": confirmed, "retimed": retimed}
                )
        return candidates

    def _stop_reason(self, candidates: list[Candidate], started: float, in_flight: int = 0) -> str:
        evaluations = sum(1 for m in candidates if m.evaluated)
        if evaluations + in_flight >= self.budget.evaluations:
            return f"evaluation budget spent ({evaluations})"
        if self.budget.seconds is not None and time.monotonic() - started >= self.budget.seconds:
            return f"time budget spent ({self.budget.seconds:g} s)"
        tokens = sum(m.tokens for m in candidates)
        if self.budget.tokens is not None and tokens >= self.budget.tokens:
            return f"token budget spent ({tokens})"
        cost = sum(m.cost for m in candidates)
        if self.budget.cost is not None and cost >= self.budget.cost:
            return f"cost budget spent ({cost:g})"
        stalled = since_improvement(candidates)
        if stalled is not None:
            # a resumed run (or one given a new parent) gets a fresh stall count: what stalled
            # before it was resumed does not end it at once
            stalled = min(stalled, evaluations - self._evaluated_at_start)
        if (
            stalled is not None
            and stalled >= self.budget.stall_limit()
            and not self.store.pins(self.run_id)
        ):
            return f"stalled: no 2% gain in the last {stalled} evaluations"
        return ""

    def _grow(self, candidates: list[Candidate], evaluations: int) -> int | None:
        """Insert one new candidate; None when no parent has a new proposal."""
        rng = random.Random(self.seed * 1_000_003 + evaluations)
        seed = _seed_report(candidates)
        variables = (seed.get("compile") or {}).get("variables") or {}
        context = Context(self.task, candidates, rng, variables, seed.get("behaviour"))
        known = {Kernel(source=m.source).hash for m in candidates}
        pinned = set(self.store.pins(self.run_id))
        for parent in self._parents(candidates, rng, evaluations, pinned):
            try:
                candidate_id = self._child_of(parent, context, known)
            finally:
                if parent.id in pinned:  # a pin asks for one child, or ends if none can come
                    self.store.unpin(self.run_id, parent.id)
            if candidate_id is not None:
                return candidate_id
        return None

    def _child_of(self, parent: Candidate, context: Context, known: set[str]) -> int | None:
        """Add one new child of ``parent``; None (and the parent is exhausted) when none comes."""
        if parent.id in self.exhausted:
            return None
        # a model may answer with nothing usable now and something later: ask again, up to
        # the generator's patience; the rule generator's moves are the same every time
        for _ in range(getattr(self.generator, "patience", 1)):
            looked = 0
            for proposal in self.generator.propose(parent, context):
                looked += 1
                if Kernel(source=proposal.source).hash in known:
                    if looked >= PROPOSALS_PER_PARENT:
                        break
                    continue
                island = parent.island
                if parent.origin == "seed":
                    island = len(context.children(parent)) % self.islands
                candidate_id = self.add(proposal, parent, self.generator.name, island)
                if candidate_id is not None:
                    self.progress(
                        {"type": "proposed", "label": proposal.label, "parent": parent.id}
                    )
                    return candidate_id
        self.exhausted.add(parent.id)
        return None

    def _parents(
        self, candidates: list[Candidate], rng: random.Random, evaluations: int, pins: set[int]
    ):
        """Parents to try, in order: repair, exploit (this turn's island), explore, the rest."""
        evaluated = [m for m in candidates if m.evaluated]
        by_id = {m.id: m for m in candidates}
        has_children = {m.parent_id for m in candidates if m.parent_id is not None}
        # a candidate a person chose ("use as parent") goes first, whatever its verdict
        order: list[Candidate] = [m for m in evaluated if m.id in pins]
        repairs = [
            m
            for m in reversed(evaluated)
            if m.verdict in REPAIRABLE
            and m.id not in has_children
            and _failed_chain(m, by_id) < REPAIR_CHAIN
        ]
        correct = sorted((m for m in evaluated if m.ok), key=lambda m: (-(m.speedup or 0.0), m.id))
        fresh = evaluated[-1] if evaluated else None
        if repairs and repairs[0] is fresh:
            order.append(fresh)  # the failure just seen is repaired at once, while it is news
        if repairs and rng.random() < REPAIR_SHARE:
            order += repairs
        turn = evaluations % self.islands
        order += [m for m in correct if m.island == turn]
        top = correct[0].speedup if correct and correct[0].speedup else None
        elites = [
            m
            for m in _archive(correct).values()
            if top is None or (m.speedup or 0.0) >= EXPLORE_FLOOR * top  # not the hopeless
        ]
        rng.shuffle(elites)
        order += elites
        order += correct + repairs
        seen, unique = set(), []
        for m in order:
            if m.id not in seen:
                seen.add(m.id)
                unique.append(m)
        return unique


def _failed_chain(candidate: Candidate, by_id: dict[int, Candidate]) -> int:
    count = 0
    while candidate is not None and candidate.verdict in REPAIRABLE:
        count += 1
        candidate = by_id.get(candidate.parent_id)
    return count


def _archive(correct: list[Candidate]) -> dict[tuple[str, int], Candidate]:
    """The fastest correct candidate of each (family, half-octave speed bucket) cell."""
    cells: dict[tuple[str, int], Candidate] = {}
    for m in correct:
        bucket = math.floor(2 * math.log2(m.speedup)) if m.speedup and m.speedup > 0 else -99
        key = (m.family or m.origin, bucket)
        if key not in cells or (m.speedup or 0) > (cells[key].speedup or 0):
            cells[key] = m
    return cells


def _seed_report(candidates: list[Candidate]) -> dict:
    """The seed's report (the reference as a kernel): the local variable types numba found in
    it (``compile.variables``) and what its outputs look like (``behaviour``)."""
    return next((m.report for m in candidates if m.origin == "seed" and m.report), None) or {}
