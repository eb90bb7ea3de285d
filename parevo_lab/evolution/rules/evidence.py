"""Moves the parent's evidence asks for, at the loops it names: its compiled view (an unsigned
index where LLVM met a signed index it must wrap, fastmath where a float reduction kept a loop
from vectorising), its projection (imbalance: CSR rows cut into runs of equal edges, other loops'
iterations dealt out cyclically), the CSR row loops of any parallel plan (balanced by edges
on skewed degrees) and the loops whose iterations do uneven work (a dynamic schedule)."""

from __future__ import annotations

import ast

from ...sandbox import layers
from ..generators.base import Candidate, Context
from .analysis import Analysis
from .transforms import Plan, RenderError, render_with_spans, row_of, row_pointer


def compiled_moves(plan: Plan, parent: Candidate, context: Context):
    """What the parent's compiled view asks for, first, at the loops it names: an unsigned
    index in a loop where LLVM met a signed index it must wrap (its loads became gathers),
    fastmath where a float reduction kept a loop from vectorising. Nowhere else: the
    generated code keeps plain indices where the compiler did not need casts."""
    lines: dict[str, set[int]] = {"wraparound": set(), "float_reduction": set()}
    for loop in ((parent.report or {}).get("compiled") or {}).get("loops") or []:
        for found in loop.get("findings") or []:
            if found.get("code") in lines and found.get("line"):
                lines[found["code"]].add(found["line"])
    if not any(lines.values()):
        return
    try:
        _, spans = render_with_spans(context.task.source, plan, context.variables)
    except RenderError:
        return

    def loops_at(found: set[int]) -> list[str]:
        return sorted(i for i, (a, b) in spans.items() if any(a <= n <= b for n in found))

    wrapped = loops_at(lines["wraparound"])
    current = plan.knob("unsigned_index")
    have = set(plan.loops) if current is True else set(current or ())
    if set(wrapped) - have:
        at = ", ".join(map(str, sorted(lines["wraparound"])))
        yield (
            plan.with_knob("unsigned_index", sorted(have | set(wrapped))),
            f"unsigned index in loop {', '.join(sorted(set(wrapped) - have))} (compiled view: "
            f"signed index wraparound at line {at} turns its loads into gathers)",
        )
    if lines["float_reduction"] and not plan.knob("fastmath"):
        at = ", ".join(map(str, sorted(lines["float_reduction"])))
        yield (
            plan.with_knob("fastmath", True),
            f"tune: fastmath=True (compiled view: the float reduction at line {at} is not "
            "vectorised without it)",
        )


def scaling_moves(analysis: Analysis, plan: Plan, parent: Candidate):
    """What the parent's projection asks for, first (runs ranking at --target-threads make
    one): where it is limited by imbalance at some thread count, the iterations of its plain
    prange loops dealt out cyclically."""
    projection = (parent.report or {}).get("projection") or {}
    limited = [p for p in projection.get("points") or [] if p.get("bound") == "imbalance"]
    if projection.get("status") != "projected" or not limited:
        return
    first = limited[0]
    rows = row_loops(analysis, plan)
    if rows:  # CSR rows: equal edges per run keeps each thread's rows contiguous
        yield (
            balanced(plan, rows),
            (
                f"balance loop {', '.join(rows)} by edges (projection: imbalance from "
                f"{first['threads']} threads: {first.get('detail') or 'uneven work'})"
            ),
        )
    current = plan.knob("interleave") or []
    done = set(plan.knob("balance") or []) | set(rows)
    loops = sorted(
        i for i, s in plan.loops.items() if s == "prange" and i not in current and i not in done
    )
    if loops:
        yield (
            plan.with_knob("interleave", sorted([*current, *loops])),
            f"interleave the iterations of loop {', '.join(loops)} (projection: imbalance "
            f"from {first['threads']} threads: {first.get('detail') or 'uneven work'})",
        )
    uneven = uneven_loops(analysis, plan)
    if uneven and layers.tbb_available():
        yield (
            dynamic(plan, uneven),
            f"dynamic schedule for loop {', '.join(uneven)} (projection: imbalance from "
            f"{first['threads']} threads: {first.get('detail') or 'uneven work'})",
        )


def row_loops(analysis: Analysis, plan: Plan) -> list[str]:
    """The plain prange loops of ``plan`` that walk CSR rows and are not balanced yet."""
    done = set(plan.knob("balance") or [])
    return sorted(
        i
        for i, strategy in plan.loops.items()
        if strategy == "prange" and i not in done and row_pointer(analysis.loop_node(i))
    )


def uneven_loops(analysis: Analysis, plan: Plan) -> list[str]:
    """The plain prange loops of ``plan`` (no other schedule yet) whose iterations do uneven
    work: an inner loop whose bounds or condition depend on the loop's variable (a CSR row, a
    triangle ``range(i, n)``, a search that stops early)."""
    scheduled = {
        loop for knob in ("balance", "interleave", "dynamic") for loop in (plan.knob(knob) or ())
    }
    found = []
    for loop_id, strategy in sorted(plan.loops.items()):
        facts = analysis.loops[loop_id]
        if strategy != "prange" or loop_id in scheduled or facts.strided:
            continue
        if _varies(analysis.loop_node(loop_id)):
            found.append(loop_id)
    return found


def _varies(loop: ast.For) -> bool:
    if not isinstance(loop.target, ast.Name):
        return False
    depends, rows = {loop.target.id}, set()
    for node in ast.walk(loop):  # names computed from the variable (in order of appearance)
        if isinstance(node, ast.Assign) and _names(node.value) & depends:
            targets = {t.id for t in node.targets if isinstance(t, ast.Name)}
            depends |= targets
            if _row_view(node.value):
                rows |= targets  # `row = A[i]`: every row of A has A's row length
    for node in ast.walk(loop):
        if node is loop:
            continue
        if isinstance(node, ast.For) and _names(node.iter, rows) & depends:
            return True
        if isinstance(node, ast.While) and _names(node.test, rows) & depends:
            return True
    return False


def _row_view(value: ast.expr) -> bool:
    """``A[i]`` or ``A[i, j]``: an element or a row of a rectangular array, no slice."""
    return isinstance(value, ast.Subscript) and not any(
        isinstance(n, ast.Slice) for n in ast.walk(value.slice)
    )


def _names(node: ast.AST, rows: set[str] = frozenset()) -> set[str]:
    """The names ``node`` reads, leaving out the shapes of ``rows`` (``row.shape[0]``,
    ``row.size``, ``len(row)``: the same for every row)."""
    found, stack = set(), [node]
    while stack:
        n = stack.pop()
        if isinstance(n, ast.Attribute) and n.attr in ("shape", "size") and _named(n.value, rows):
            continue
        if (
            isinstance(n, ast.Call)
            and _named(n.func, {"len"})
            and n.args
            and _named(n.args[0], rows)
        ):
            continue
        if isinstance(n, ast.Name):
            found.add(n.id)
        stack.extend(ast.iter_child_nodes(n))
    return found


def _named(node: ast.AST, names) -> bool:
    return isinstance(node, ast.Name) and node.id in names


def dynamic(plan: Plan, loops: list[str]) -> Plan:
    return plan.with_knob("dynamic", sorted(set(plan.knob("dynamic") or []) | set(loops)))


def balanced(plan: Plan, loops: list[str]) -> Plan:
    return plan.with_knob("balance", sorted(set(plan.knob("balance") or []) | set(loops)))


def one_row(analysis: Analysis, loop_id: str, plan: Plan) -> bool:
    """Whether loop ``loop_id`` runs over one CSR row of an enclosing loop that stays serial in
    ``plan``: made parallel it would fork and join the threads once per row, for a row's few
    iterations (MIS's 0.05x candidate: 50,000 regions of 9 iterations each)."""
    parent = analysis.loops[loop_id].parent
    if parent is None or parent in plan.loops:
        return False
    return row_of(analysis.loop_node(loop_id), analysis.loop_node(parent)) is not None
