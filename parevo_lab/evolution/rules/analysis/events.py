"""Events: every access of a loop body, in source order (scalar reads, writes and updates, array
reads, stores and updates), the loop's early exits and the names its exit blocks assign."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .facts import _BINOPS, _call_name, _pure_call, _self_update


@dataclass
class _Event:
    kind: str  # "read", "write", "update" (scalars) / "aread", "astore", "aupdate" (arrays)
    name: str
    node: ast.AST
    op: str | None = None
    index: ast.expr | None = None
    top: bool = False  # at the top level of the loop body (runs every iteration)
    in_store: bool = False  # a read inside an array store's index or value
    in_update: str | None = None  # a read inside the operand of this scalar's update
    # a read that only prunes: one side of the comparison of an `if` whose whole body is a
    # `continue` or an inner loop's `break`; "min" when a smaller value prunes more, "max" when
    # a larger one does
    bound: str | None = None
    exit_before: bool = False  # an early exit came before this event in source order
    value: ast.expr | None = None  # an update's operand (the e of s += e)


def _events(loop: ast.For) -> tuple[list[_Event], str | None, list[str]]:
    events: list[_Event] = []
    exits: list[str] = []
    calls: list[str] = []

    def reads(expr, in_store=False, top=False, in_update=None, bounds=None):
        if expr is None:
            return
        for node in _walk_expr(expr):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                events.append(
                    _Event("read", node.id, node, top=top, in_store=in_store, in_update=in_update)
                )
                events[-1].bound = (bounds or {}).get(id(node))
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                events.append(
                    _Event("aread", node.value.id, node, index=node.slice, in_store=in_store)
                )
            elif isinstance(node, ast.Call):
                name = _call_name(node)
                if name and not _pure_call(name):
                    calls.append(name)

    def store(target, value, op, top, stmt):
        exit_before = bool(exits)
        if isinstance(target, ast.Name):
            events.append(_Event("update" if op else "write", target.id, stmt, op, top=top))
            events[-1].exit_before = exit_before
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            reads(target.slice, in_store=True)
            events.append(
                _Event(
                    "aupdate" if op else "astore",
                    target.value.id,
                    stmt,
                    op,
                    index=target.slice,
                    top=top,
                )
            )
            events[-1].exit_before = exit_before
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                store(element, None, None, top, stmt)
        elif isinstance(target, ast.Subscript):
            reads(target.value)
            events.append(_Event("astore", "?", stmt, None, index=target.slice, top=top))

    def statements(body, top):
        for stmt in body:
            if isinstance(stmt, ast.Assign):
                op, rest = _self_update(stmt)
                in_store = any(isinstance(t, ast.Subscript) for t in stmt.targets)
                if op:
                    scalar = stmt.targets[0].id if isinstance(stmt.targets[0], ast.Name) else None
                    reads(rest, in_store=in_store, in_update=scalar)
                    if isinstance(stmt.targets[0], ast.Subscript):
                        reads(stmt.targets[0].slice, in_store=True)
                    store(stmt.targets[0], stmt.value, op, top, stmt)
                    events[-1].value = rest
                else:
                    reads(stmt.value, in_store=in_store)
                    for target in stmt.targets:
                        store(target, stmt.value, None, top, stmt)
            elif isinstance(stmt, ast.AugAssign):
                op = _BINOPS.get(type(stmt.op), "?")
                in_store = isinstance(stmt.target, ast.Subscript)
                scalar = stmt.target.id if isinstance(stmt.target, ast.Name) else None
                reads(stmt.value, in_store=in_store, in_update=scalar)
                store(stmt.target, stmt.value, op, top, stmt)
                events[-1].value = stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                reads(stmt.value)
                store(stmt.target, stmt.value, None, top, stmt)
            elif isinstance(stmt, ast.For):
                reads(stmt.iter)
                store(stmt.target, None, None, top, stmt)
                statements(stmt.body, False)
                statements(stmt.orelse, False)
            elif isinstance(stmt, ast.While):
                reads(stmt.test)
                statements(stmt.body, False)
                statements(stmt.orelse, False)
            elif isinstance(stmt, ast.If):
                reads(stmt.test, bounds=_prune_bounds(loop, stmt))
                statements(stmt.body, False)
                statements(stmt.orelse, False)
            elif isinstance(stmt, ast.Return):
                reads(stmt.value)
                exits.append("return")
            elif isinstance(stmt, ast.Break):
                if _break_belongs_to(loop, stmt):
                    exits.append("break")
            elif isinstance(stmt, ast.Expr):
                reads(stmt.value)
                if isinstance(stmt.value, ast.Call):
                    name = _call_name(stmt.value)
                    if isinstance(stmt.value.func, ast.Attribute) and isinstance(
                        stmt.value.func.value, ast.Name
                    ):
                        # a.fill(0), a.sort(): a method may write its object
                        events.append(
                            _Event("astore", stmt.value.func.value.id, stmt, None, index=None)
                        )
                    elif name:
                        calls.append(name)
            elif isinstance(stmt, ast.Pass | ast.Continue):
                pass
            else:
                calls.append(type(stmt).__name__.lower())

    statements(loop.body, True)
    exit_kind = "return" if "return" in exits else ("break" if exits else None)
    return events, exit_kind, sorted(set(calls))


def _exit_block_names(loop: ast.For) -> list[str]:
    """Names assigned in the blocks that leave ``loop`` (``found = True; break``)."""
    names: set[str] = set()

    def visit(block):
        leaves = any(
            isinstance(s, ast.Return) or (isinstance(s, ast.Break) and _break_belongs_to(loop, s))
            for s in block
        )
        for stmt in block:
            if leaves and isinstance(stmt, ast.Assign | ast.AugAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
            if isinstance(stmt, ast.If | ast.With | ast.Try):
                visit(stmt.body)
                visit(getattr(stmt, "orelse", []))

    visit(loop.body)
    return sorted(names)


# comparison operators by the side of the bound: with the bound on the right, `e >= s` and
# `e > s` hold more often as s shrinks
_PRUNE_RIGHT = {ast.GtE: "min", ast.Gt: "min", ast.LtE: "max", ast.Lt: "max"}
_PRUNE_LEFT = {ast.LtE: "min", ast.Lt: "min", ast.GtE: "max", ast.Gt: "max"}


def _prune_bounds(loop: ast.For, stmt: ast.If) -> dict[int, str]:
    """The names a pruning test compares against (``if e >= s: break`` leaving an inner loop, or
    ``continue``), by node id, with the direction in which they prune: a running min read there
    may be replaced by any larger value without changing the result, only the work."""
    if stmt.orelse or len(stmt.body) != 1:
        return {}
    (only,) = stmt.body
    leaves = isinstance(only, ast.Continue) or (
        isinstance(only, ast.Break) and not _break_belongs_to(loop, only)
    )
    test = stmt.test
    if not leaves or not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return {}
    out = {}
    op = type(test.ops[0])
    right, left = test.comparators[0], test.left
    if isinstance(right, ast.Name) and op in _PRUNE_RIGHT:
        out[id(right)] = _PRUNE_RIGHT[op]
    if isinstance(left, ast.Name) and op in _PRUNE_LEFT:
        out[id(left)] = _PRUNE_LEFT[op]
    return out


def _break_belongs_to(loop: ast.For, brk: ast.Break) -> bool:
    """True when ``brk`` leaves ``loop`` itself, not a loop nested inside it."""

    def search(body) -> bool | None:
        for stmt in body:
            if stmt is brk:
                return True
            if isinstance(stmt, ast.For | ast.While):
                if any(n is brk for n in ast.walk(stmt)):
                    return False
            elif isinstance(stmt, ast.If | ast.With | ast.Try):
                for block in (stmt.body, getattr(stmt, "orelse", [])):
                    found = search(block)
                    if found is not None:
                        return found
        return None

    return bool(search(loop.body))


def _walk_expr(expr):
    """Like ast.walk, but not into lambdas or comprehensions' own scopes."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))
