"""The rule-based paralleliser as a generator: moves over plans, repairs driven by feedback.

A candidate made by this generator carries its plan (``genome``). From the seed it first proposes
a substitution per template the reference's outputs matched (``substitute.py``: the whole
reference replaced by one primitive). From an ``ok`` parent it proposes, best first: what the
parent's evidence asks for (``evidence.py``: its compiled view, its projection), the automatic
plan (every loop nest parallel at its outermost loop that allows it), then single moves
(parallelise one more loop; another strategy for a parallel loop; move the parallelism into a
nested loop), then tuning knobs (CSR rows balanced by edges, fastmath, error_model, blocks per
thread). A loop over one CSR row of a serial loop is never made parallel (a fork-join per row).
From a failed parent it reads the typed feedback and repairs: a race or a compile error names the
loop (rendering the plan again says which candidate lines each loop became); a race
on an array that the loop updates at shared indices is privatised, otherwise the loop tries its
next strategy, then moves its parallelism inward, then goes back to serial. A wrong result, a
crash or a timeout does the same for the loop the last move changed.

Candidates of other origins (a model's, a person's) have no plan: they get the knobs only.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from ...sandbox import layers
from ...task import Task
from ..feedback import from_report
from ..generators.base import Candidate, Context, Proposal
from . import evidence, substitute
from .analysis import Analysis, AnalysisError, analyse, function_source
from .transforms import (
    Plan,
    RenderError,
    label,
    parallel_sorts,
    render,
    render_with_spans,
    valid,
)

BLOCKED = ("privatise", "blocks", "scan", "select")


def family(plan: Plan) -> str:
    """The plan's strategies (the archive's cells are per family); a plan that only swaps the
    reference's sorts for the parallel radix sort is "sort", not "serial"."""
    names = set(plan.loops.values())
    if plan.knob("parallel_sort"):
        names.add("sort")
    return "+".join(sorted(names)) or "serial"


class RulesGenerator:
    name = "rules"

    def __init__(self):
        self._analyses: dict[str, Analysis] = {}
        self._notes: dict[str, str] = {}  # why no template was proposed, per task

    def signature(self, task: Task) -> ast.FunctionDef:
        """The reference's ``def`` as written (its parameter names, before any analysis)."""
        return ast.parse(function_source(task.source, "reference")).body[0]

    def analysis(self, task: Task) -> Analysis:
        if task.hash not in self._analyses:
            try:
                self._analyses[task.hash] = analyse(function_source(task.source, "reference"))
            except (AnalysisError, SyntaxError) as exc:
                raise AnalysisError(f"cannot analyse the task's reference: {exc}") from None
        return self._analyses[task.hash]

    def _sorts(self, analysis: Analysis) -> bool:
        return bool(parallel_sorts(analysis.function))

    def explain(self, task: Task) -> str | None:
        """Why nothing could be proposed, when the reason is the reference itself (and why no
        template replaced it, when the probe said)."""
        analysis = self.analysis(task)
        loops = analysis.loops

        def blocked(i: str, f) -> str:
            if f.strategies():  # parallel on its own, but one CSR row of a serial loop
                return f"one CSR row of the serial loop {f.parent}: a fork-join per row"
            return ", ".join(f.blockers()[:2]) or "no strategy fits"

        usable = [i for i, f in loops.items() if f.strategies()]
        if self._sorts(analysis) or any(not evidence.one_row(analysis, i, Plan()) for i in usable):
            return None
        if not loops:
            why = "the reference has no `for i in range(...)` loop to parallelise"
        else:
            why = "the reference has no loop the rule generator can parallelise: " + "; ".join(
                f"{i} (`for {f.var}`): {blocked(i, f)}"
                for i, f in sorted(loops.items(), key=lambda kv: kv[1].line)
            )
        note = self._notes.get(task.hash)
        return f"{why}; {note}" if note else why

    def seed(self, task: Task) -> Proposal:
        plan = Plan()
        return Proposal(
            source=render(task.source, plan),
            label="seed: the reference as a kernel (numba parallel=True, no prange)",
            genome=plan.to_dict(),
            family="serial",
        )

    def propose(self, parent: Candidate, context: Context) -> Iterator[Proposal]:
        if parent.genome is None:
            yield from self._retune_source(parent, _floating(context))
            return
        if parent.origin == "seed" and parent.verdict == "ok":
            # the whole reference replaced by a primitive that behaves like it (substitute.py)
            self._notes[context.task.hash] = substitute.note(context)
            yield from substitute.proposals(self.signature(context.task), context)
        analysis = self.analysis(context.task)
        plan = Plan.from_dict(parent.genome)
        if parent.verdict == "ok":
            moves = self._improvements(analysis, plan, parent, context)
        else:
            moves = self._repairs(analysis, plan, parent, context)
        harmful = _harmful_moves(context)
        floats = _floating(context)
        seen = set()
        for new, text in moves:
            if new.knob("fastmath") and not plan.knob("fastmath") and not floats:
                continue  # fastmath reassociates floating point: on integers it changes nothing
            key = new.key()
            parallel = new.loops or new.knob("parallel_sort")
            if key in seen or valid(analysis, new) is not None or not parallel:
                continue  # (a plan with no parallel loop is the seed's business, not a candidate)
            if any(new.loops.get(loop) == strategy for loop, strategy in harmful - _pairs(plan)):
                continue  # this loop with this strategy already made a kernel much slower
            if any(evidence.one_row(analysis, loop, new) for loop in new.loops):
                continue  # a fork-join per row of a serial loop costs more than the row gives
            seen.add(key)
            try:
                source = render(context.task.source, new, context.variables)
            except RenderError:
                continue
            yield Proposal(source=source, label=text, genome=new.to_dict(), family=family(new))

    # -- from a correct parent ------------------------------------------------------------

    def _improvements(self, analysis: Analysis, plan: Plan, parent: Candidate, context: Context):
        # what the parent's projection asks for (made only in runs ranking beyond the cores)
        yield from evidence.scaling_moves(analysis, plan, parent)
        yield from evidence.compiled_moves(plan, parent, context)
        loops = analysis.loops
        if not plan.loops:
            auto = self._auto(analysis)
            if auto.loops:
                parts = "; ".join(label(loops[i], s) for i, s in sorted(auto.loops.items()))
                yield auto, f"auto-parallelise: {parts}"
        for loop_id, facts in sorted(loops.items(), key=lambda kv: (kv[1].depth, kv[1].line)):
            if loop_id in plan.loops or not facts.strategies():
                continue
            new = _with(plan, loop_id, facts.strategies()[0])
            yield new, label(facts, facts.strategies()[0])
        for loop_id, strategy in sorted(plan.loops.items()):
            for other in loops[loop_id].strategies():
                if other != strategy:
                    yield _with(plan, loop_id, other), f"{label(loops[loop_id], other)} instead"
        for loop_id in sorted(plan.loops):
            inward = self._inward(analysis, plan, loop_id)
            if inward is not None:
                yield inward, f"move the parallelism of {loop_id} into its inner loops"
        if not plan.knob("parallel_sort") and self._sorts(analysis):
            # a sort is parallel work of its own, with or without a parallel loop
            yield (
                plan.with_knob("parallel_sort", True),
                "np.sort/np.argsort by a parallel radix sort",
            )
        if not plan.loops:
            return  # the knobs of a serial plan tune the reference, not a parallel kernel
        rows = evidence.row_loops(analysis, plan)
        if rows:
            yield (
                evidence.balanced(plan, rows),
                (
                    f"balance loop {', '.join(rows)} by edges: runs of equal edge counts "
                    "(balanced_bounds), not equal vertex counts (skewed degrees)"
                ),
            )
        uneven = evidence.uneven_loops(analysis, plan)
        if uneven and layers.tbb_available():
            yield (
                evidence.dynamic(plan, uneven),
                (
                    f"dynamic schedule for loop {', '.join(uneven)}: chunks of n/16P iterations "
                    "to whichever thread is free (numba.set_parallel_chunksize, TBB layer), "
                    "for iterations of uneven work"
                ),
            )
        if not plan.knob("fastmath"):
            yield (
                plan.with_knob("fastmath", True),
                "tune: fastmath=True (reassociate floating point)",
            )
        if plan.knob("error_model") == "python":
            yield (
                plan.with_knob("error_model", "numpy"),
                ("tune: error_model='numpy' (no zero-division checks in the loop)"),
            )
        if any(s in BLOCKED for s in plan.loops.values()):
            for per in (4, 16):
                if plan.knob("blocks") != per:
                    yield plan.with_knob("blocks", per), f"tune: {per} blocks per thread"
        if len(plan.loops) > 1:
            for loop_id in sorted(plan.loops):
                yield _without(plan, loop_id), f"serialise loop {loop_id} (too little work?)"

    def _auto(self, analysis: Analysis) -> Plan:
        """Every loop nest parallel at its outermost loop that has a strategy."""
        chosen: dict[str, str] = {}
        for loop_id, facts in sorted(analysis.loops.items(), key=lambda kv: kv[1].line):
            if not facts.strategies() or evidence.one_row(analysis, loop_id, Plan(chosen)):
                continue
            parent, covered = facts.parent, False
            while parent is not None:
                if parent in chosen:
                    covered = True
                    break
                parent = analysis.loops[parent].parent
            if not covered:
                chosen[loop_id] = facts.strategies()[0]
        return Plan(loops=chosen)

    def _inward(self, analysis: Analysis, plan: Plan, loop_id: str) -> Plan | None:
        children = [
            (i, f) for i, f in analysis.loops.items() if f.parent == loop_id and f.strategies()
        ]
        if not children:
            return None
        new = _without(plan, loop_id)
        for child_id, facts in children:
            if not evidence.one_row(analysis, child_id, new):
                new.loops[child_id] = facts.strategies()[0]
        return new if new.loops != _without(plan, loop_id).loops else None

    # -- from a failed parent -------------------------------------------------------------

    def _repairs(self, analysis: Analysis, plan: Plan, parent: Candidate, context: Context):
        feedback = from_report(parent.report or {"verdict": parent.verdict or "runtime_error"})
        why = _reason(feedback)
        if feedback.kind == "compile_error" and plan.knobs and _knob_related(feedback.detail):
            yield Plan(loops=dict(plan.loops)), f"repair ({why}): back to the default knobs"
        signed = (
            plan.with_knob("unsigned_index", False),
            f"repair ({why}): index with signed integers (negative indices wrap around)",
        )
        may_wrap = feedback.kind in ("wrong", "runtime_error") and plan.knob("unsigned_index")
        if may_wrap and feedback.kind == "runtime_error":
            yield signed  # an unsigned index gone negative reads out of bounds: likeliest first
        implicated = self._implicated(context.task, feedback, plan, context.variables)
        if not implicated:
            grandparent = context.candidate(parent.parent_id)
            before = (
                Plan.from_dict(grandparent.genome) if grandparent and grandparent.genome else Plan()
            )
            implicated = [
                loop_id
                for loop_id in sorted(plan.loops)
                if before.loops.get(loop_id) != plan.loops[loop_id]
            ] or sorted(plan.loops)
            if plan.knobs != before.knobs and not implicated:
                yield (
                    Plan(loops=dict(plan.loops), knobs=dict(before.knobs)),
                    (f"repair ({why}): undo the last tuning"),
                )
        for loop_id in implicated:
            facts = analysis.loops.get(loop_id)
            if facts is None or loop_id not in plan.loops:
                continue
            current = plan.loops[loop_id]
            if feedback.kind == "race" and "privatise" in facts.strategies():
                if current != "privatise":
                    yield (
                        _with(plan, loop_id, "privatise"),
                        (f"repair ({why}): {label(facts, 'privatise')}"),
                    )
            strategies = facts.strategies()
            later = strategies[strategies.index(current) + 1 :] if current in strategies else []
            for other in later:
                yield _with(plan, loop_id, other), f"repair ({why}): {label(facts, other)}"
            inward = self._inward(analysis, plan, loop_id)
            if inward is not None:
                yield inward, f"repair ({why}): keep {loop_id} serial, parallelise its inner loops"
            yield _without(plan, loop_id), f"repair ({why}): keep loop {loop_id} serial"
        if may_wrap and feedback.kind == "wrong":
            yield signed

    def _implicated(self, task: Task, feedback, plan: Plan, variables: dict) -> list[str]:
        """Loop ids whose generated lines the feedback points at (a race's loop and sites, an
        error's line), found by rendering the plan again with the lines of each loop."""
        lines = [*feedback.loop_lines, *([feedback.line] if feedback.line else [])]
        if not lines:
            return []
        try:
            _, spans = render_with_spans(task.source, plan, variables)
        except RenderError:
            return []
        return [
            loop_id
            for loop_id, (first, last) in sorted(spans.items())
            if any(first <= line <= last for line in lines)
        ]

    # -- any source: the knobs only -------------------------------------------------------

    def _retune_source(self, parent: Candidate, floats: bool = True) -> Iterator[Proposal]:
        if parent.verdict != "ok":
            return
        knobs = [("fastmath", True, "tune: fastmath=True")] if floats else []
        knobs.append(("error_model", "numpy", "tune: error_model='numpy'"))
        for name, value, text in knobs:
            source = _set_decorator_keyword(parent.source, parent.function, name, value)
            if source is not None and source != parent.source:
                yield Proposal(source=source, label=text, genome=None, family=parent.family)


def _floating(context: Context) -> bool:
    """Whether the reference computes in floating point (numba's types of its variables and
    arguments); True when they are not known yet."""
    types = list(context.variables.values())
    return not types or any("float" in t or "complex" in t for t in types)


SLOWDOWN = 0.5  # a move that leaves less than half the parent's speed is not tried again


def _pairs(plan: Plan) -> set[tuple[str, str]]:
    return set(plan.loops.items())


def _harmful_moves(context: Context) -> set[tuple[str, str]]:
    """(loop, strategy) pairs whose addition made a correct kernel at least 2x slower than its
    correct parent: a parallel loop with too little work per call (an inner loop run once per
    outer iteration) is slow in every plan, so it is not proposed again."""
    harmful = set()
    for child in context.candidates:
        parent = context.candidate(child.parent_id)
        if parent is None or child.genome is None or parent.genome is None:
            continue
        if not (child.ok and parent.ok and child.speedup and parent.speedup):
            continue
        if child.speedup < SLOWDOWN * parent.speedup:
            added = _pairs(Plan.from_dict(child.genome)) - _pairs(Plan.from_dict(parent.genome))
            harmful |= added
    return harmful


def _with(plan: Plan, loop_id: str, strategy: str) -> Plan:
    return Plan(loops={**plan.loops, loop_id: strategy}, knobs=dict(plan.knobs))


def _without(plan: Plan, loop_id: str) -> Plan:
    return Plan(loops={k: v for k, v in plan.loops.items() if k != loop_id}, knobs=dict(plan.knobs))


def _reason(feedback) -> str:
    if feedback.kind == "race" and feedback.arrays:
        return f"race on {', '.join(feedback.arrays)}"
    if feedback.line:
        return f"{feedback.kind} at line {feedback.line}"
    return feedback.kind


def _knob_related(text: str) -> bool:
    return any(word in (text or "") for word in ("fastmath", "error_model"))


def _set_decorator_keyword(source: str, function: str, name: str, value) -> str | None:
    """``source`` with ``name=value`` in the numba.njit(...) decorator of ``function``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            for decorator in node.decorator_list:
                if isinstance(decorator, ast.Call) and "jit" in ast.unparse(decorator.func):
                    decorator.keywords = [k for k in decorator.keywords if k.arg != name]
                    decorator.keywords.append(ast.keyword(name, ast.Constant(value)))
                    line = decorator.lineno
                    lines = source.splitlines()
                    indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
                    if decorator.end_lineno != line:
                        return None  # a decorator over several lines: leave it alone
                    lines[line - 1] = f"{indent}@{ast.unparse(decorator)}"
                    return "\n".join(lines) + "\n"
    return None
