"""Static lint of each prange loop: the races no array shadow can see.

Scalars are not in memory the replay tracks, so their races are found here, from the AST:
reading a reduction variable other than in its update (numba gives per-thread partial sums), a
private scalar carried from one iteration to the next (the next chunk starts from the initial
value), a scalar assigned in the loop and used after it (last writer wins), and container
mutation. Indirect writes and thread-id indices are noted for the report, not errors.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..compile import is_prange
from .rewrite import _call_name

_CONTAINER_MUTATORS = {
    "append", "extend", "insert", "pop", "add", "update", "remove", "clear", "discard",
    "setdefault", "popitem",
}  # fmt: skip
_REDUCTION_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


@dataclass
class LintFinding:
    kind: str  # "reduction-read", "loop-carried", "last-value", "container-mutation"
    variable: str
    loop_line: int
    first: tuple[int, int]  # (line, column) of the defining / updating access
    second: tuple[int, int]  # (line, column) of the conflicting access
    message: str


@dataclass
class LoopLint:
    line: int
    variable: str
    reductions: list[str] = field(default_factory=list)
    indirect_writes: list[str] = field(default_factory=list)  # arrays written at non-loop indices
    thread_id_indices: list[int] = field(default_factory=list)  # lines


def lint_function(func: ast.FunctionDef) -> tuple[list[LoopLint], list[LintFinding]]:
    loops, findings = [], []
    for node, after in _prange_loops_with_rest(func.body):
        loop, found = _lint_loop(node, func, after)
        loops.append(loop)
        findings += found
    return loops, findings


def _prange_loops_with_rest(body, rest=()):
    """Each outermost prange loop, with the statements that run after it."""
    for index, stmt in enumerate(body):
        following = [*body[index + 1 :], *rest]
        if is_prange(stmt):
            yield stmt, following
            continue
        for attr in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, attr, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                # a loop around the prange loop runs it again: its body is "after" too
                again = inner if isinstance(stmt, ast.For | ast.While) else []
                yield from _prange_loops_with_rest(inner, [*again, *following])


def _lint_loop(loop: ast.For, func: ast.FunctionDef, after: list[ast.stmt]):
    var = loop.target.id if isinstance(loop.target, ast.Name) else "?"
    result = LoopLint(line=loop.lineno, variable=var)
    findings: list[LintFinding] = []
    before = _defined_before(func, loop)

    # Reductions: `s op= e` / `s = s op e` / `s = min(s, e)` and nothing else assigns s.
    updates: dict[str, list[ast.AST]] = {}
    plain: dict[str, list[ast.AST]] = {}
    for node in _walk_body(loop.body):
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            if isinstance(node.op, _REDUCTION_OPS):
                updates.setdefault(node.target.id, []).append(node)
            else:
                plain.setdefault(node.target.id, []).append(node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                for name in _target_names(target):
                    if _is_reduction_assign(node, name):
                        updates.setdefault(name, []).append(node)
                    else:
                        plain.setdefault(name, []).append(node)
    reductions = {n for n in updates if n not in plain and n in before}
    result.reductions = sorted(reductions)
    for name in sorted(reductions):
        update_nodes = updates[name]
        inside_updates = {id(n) for u in update_nodes for n in ast.walk(u)}
        for node in _walk_body(loop.body):
            if (
                isinstance(node, ast.Name)
                and node.id == name
                and isinstance(node.ctx, ast.Load)
                and id(node) not in inside_updates
            ):
                first = update_nodes[0]
                findings.append(
                    LintFinding(
                        kind="reduction-read",
                        variable=name,
                        loop_line=loop.lineno,
                        first=(first.lineno, first.col_offset),
                        second=(node.lineno, node.col_offset),
                        message=f"`{name}` is a reduction variable (updated at line "
                        f"{first.lineno}) but is read at line {node.lineno} inside the loop: "
                        "each thread sees only its own partial value",
                    )
                )
                break

    # Private scalars: assigned in the body (not reductions), read before assigned.
    assigned_in_body = set(plain) - {var}
    for name, first_use in _read_before_assigned(loop.body, assigned_in_body).items():
        if name in before:
            assign = plain[name][0]
            findings.append(
                LintFinding(
                    kind="loop-carried",
                    variable=name,
                    loop_line=loop.lineno,
                    first=(assign.lineno, assign.col_offset),
                    second=(first_use.lineno, first_use.col_offset),
                    message=f"`{name}` is read at line {first_use.lineno} before it is assigned "
                    f"in this iteration (line {assign.lineno}): it carries a value from the "
                    "previous iteration, which another thread runs",
                )
            )
    # Last value: assigned in the loop, used after it.
    used_after = set(_read_before_assigned(after, assigned_in_body))
    for name in sorted(used_after):
        if any(f.variable == name for f in findings):
            continue
        assign = plain[name][0]
        findings.append(
            LintFinding(
                kind="last-value",
                variable=name,
                loop_line=loop.lineno,
                first=(assign.lineno, assign.col_offset),
                second=(assign.lineno, assign.col_offset),
                message=f"`{name}` is assigned in the parallel loop (line {assign.lineno}) and "
                "used after it: which iteration wrote it last depends on the threads",
            )
        )
    # Containers.
    for node in _walk_body(loop.body):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.attr in _CONTAINER_MUTATORS
            and node.func.value.id in before
        ):
            name = node.func.value.id
            findings.append(
                LintFinding(
                    kind="container-mutation",
                    variable=name,
                    loop_line=loop.lineno,
                    first=(node.lineno, node.col_offset),
                    second=(node.lineno, node.col_offset),
                    message=f"`{name}.{node.func.attr}(...)` mutates a container shared by all "
                    "iterations",
                )
            )
    # Notes for the dynamic layer.
    for node in _walk_body(loop.body):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            if isinstance(node.value, ast.Name) and not _indexed_by(node.slice, var):
                if node.value.id not in result.indirect_writes:
                    result.indirect_writes.append(node.value.id)
        if isinstance(node, ast.Subscript) and any(
            isinstance(n, ast.Call) and _call_name(n) in ("get_thread_id", "get_num_threads")
            for n in ast.walk(node.slice)
        ):
            result.thread_id_indices.append(node.lineno)
    return result, findings


def _walk_body(body):
    for stmt in body:
        yield from ast.walk(stmt)


def _target_names(target) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple | ast.List):
        return [n for e in target.elts for n in _target_names(e)]
    return []


def _is_reduction_assign(node: ast.Assign, name: str) -> bool:
    value = node.value
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
        return False
    if isinstance(value, ast.BinOp) and isinstance(value.op, _REDUCTION_OPS):
        return any(isinstance(s, ast.Name) and s.id == name for s in (value.left, value.right))
    if isinstance(value, ast.Call) and _call_name(value) in ("min", "max"):
        return any(isinstance(a, ast.Name) and a.id == name for a in value.args)
    return False


def _indexed_by(index, var: str) -> bool:
    """True when the index is the loop variable itself (or a tuple starting with it)."""
    if isinstance(index, ast.Name):
        return index.id == var
    if isinstance(index, ast.Tuple) and index.elts:
        return _indexed_by(index.elts[0], var)
    return False


def _defined_before(func: ast.FunctionDef, loop: ast.For) -> set[str]:
    names = {a.arg for a in func.args.args}
    for node in ast.walk(func):
        if node is loop:
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            if node.lineno < loop.lineno:
                names.add(node.id)
    return names


def _read_before_assigned(body: list[ast.stmt], candidates: set[str]) -> dict[str, ast.Name]:
    """Names of ``candidates`` read on some path before any assignment in the body."""
    assigned: set[str] = set()
    first_reads: dict[str, ast.Name] = {}

    def reads(node):
        for n in ast.walk(node):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                if n.id in candidates and n.id not in assigned and n.id not in first_reads:
                    first_reads[n.id] = n

    def block(stmts) -> set[str]:
        for stmt in stmts:
            if isinstance(stmt, ast.Assign):
                reads(stmt.value)
                for t in stmt.targets:
                    if not isinstance(t, ast.Name):
                        reads(t)
                    assigned.update(_target_names(t))
            elif isinstance(stmt, ast.AugAssign):
                reads(stmt.value)
                reads(
                    ast.Name(stmt.target.id, ast.Load())
                    if isinstance(stmt.target, ast.Name)
                    else stmt.target
                )
                if isinstance(stmt.target, ast.Name) and stmt.target.id in candidates:
                    if stmt.target.id not in assigned and stmt.target.id not in first_reads:
                        first_reads[stmt.target.id] = stmt.target
                assigned.update(_target_names(stmt.target))
            elif isinstance(stmt, ast.If):
                reads(stmt.test)
                saved = set(assigned)
                block(stmt.body)
                in_body = set(assigned)
                assigned.clear()
                assigned.update(saved)
                block(stmt.orelse)
                in_else = set(assigned)
                assigned.clear()
                assigned.update(saved | (in_body & in_else))
            elif isinstance(stmt, ast.For | ast.While):
                reads(stmt.iter if isinstance(stmt, ast.For) else stmt.test)
                saved = set(assigned)
                if isinstance(stmt, ast.For):
                    assigned.update(_target_names(stmt.target))
                block(stmt.body)
                assigned.clear()
                assigned.update(saved)  # the body may run zero times
            else:
                reads(stmt)
        return assigned

    block(body)
    return first_reads
