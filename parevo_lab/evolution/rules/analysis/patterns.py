"""Patterns a loop's body matches: the idiom ``canonicalise`` rewrites (``if e < s: s = e``), a
primitive (histogram, scan, pack), a fission's parallel head, a selection (an argmin)."""

from __future__ import annotations

import ast

from .facts import LoopFacts


def _conditional_extreme(stmt: ast.If):
    if stmt.orelse or len(stmt.body) != 1 or not isinstance(stmt.body[0], ast.Assign):
        return None
    assign = stmt.body[0]
    if len(assign.targets) != 1 or not isinstance(assign.targets[0], ast.Name):
        return None
    name, value = assign.targets[0].id, assign.value
    conjuncts = stmt.test.values if _is_and(stmt.test) else [stmt.test]
    last = conjuncts[-1]
    if not (isinstance(last, ast.Compare) and len(last.ops) == 1):
        return None
    left, op, right = last.left, last.ops[0], last.comparators[0]
    value_dump = ast.dump(value)
    kind = None
    if ast.dump(left) == value_dump and isinstance(right, ast.Name) and right.id == name:
        kind = {ast.Lt: "min", ast.LtE: "min", ast.Gt: "max", ast.GtE: "max"}.get(type(op))
    elif ast.dump(right) == value_dump and isinstance(left, ast.Name) and left.id == name:
        kind = {ast.Gt: "min", ast.GtE: "min", ast.Lt: "max", ast.LtE: "max"}.get(type(op))
    if kind is None or any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(value)):
        return None
    update = ast.Assign(
        targets=[ast.Name(name, ast.Store())],
        value=ast.Call(ast.Name(kind, ast.Load()), [ast.Name(name, ast.Load()), value], []),
    )
    ast.copy_location(update, stmt)
    if len(conjuncts) == 1:
        return update
    rest = conjuncts[:-1]
    test = rest[0] if len(rest) == 1 else ast.BoolOp(ast.And(), rest)
    guarded = ast.If(test=test, body=[update], orelse=[])
    return ast.copy_location(guarded, stmt)


def _is_and(test) -> bool:
    return isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And)


def _primitive_pattern(loop: ast.For, facts: LoopFacts) -> dict | None:
    """A loop that is exactly a histogram, a running sum/max/min stored per element, or a pack:
    private values first, then the pattern's statements, nothing else."""
    if facts.step != 1 or facts.exits or facts.carried or facts.dependent or facts.calls:
        return None
    body = loop.body
    head = 0
    while head < len(body) and _private_assign(body[head], facts):
        head += 1
    rest = body[head:]
    var = facts.var
    if len(facts.conflicts) == 1 and not facts.scans and not facts.reductions and len(rest) == 1:
        ((name, op),) = facts.conflicts.items()
        stmt = rest[0]
        if op == "+" and isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add):
            target = stmt.target
            if isinstance(target, ast.Subscript) and not isinstance(target.slice, ast.Tuple):
                one = isinstance(stmt.value, ast.Constant) and stmt.value.value == 1
                return {
                    "kind": "histogram" if one else "weighted_histogram",
                    "array": name,
                    "key": ast.unparse(target.slice),
                    "weight": None if one else ast.unparse(stmt.value),
                    "head": head,
                }
    if len(facts.scans) != 1 or facts.conflicts or facts.reductions:
        return None
    ((acc, op),) = facts.scans.items()
    if len(rest) == 2 and op in ("+", "max", "min"):
        update, store = rest
        exclusive = False
        if _stores_name(update, acc, var):
            update, store, exclusive = store, update, True
        value = _update_operand(update, acc, op)
        if value is not None and _stores_name(store, acc, var):
            return {
                "kind": "scan",
                "acc": acc,
                "op": op,
                "value": ast.unparse(value),
                "out": store.targets[0].value.id,
                "exclusive": exclusive,
                "head": head,
            }
    if len(rest) == 1 and op == "+" and isinstance(rest[0], ast.If) and not rest[0].orelse:
        branch = rest[0].body
        if (
            len(branch) == 2
            and isinstance(branch[0], ast.Assign)
            and len(branch[0].targets) == 1
            and isinstance(branch[0].targets[0], ast.Subscript)
            and isinstance(branch[0].targets[0].value, ast.Name)
            and isinstance(branch[0].targets[0].slice, ast.Name)
            and branch[0].targets[0].slice.id == acc
            and isinstance(branch[1], ast.AugAssign)
            and isinstance(branch[1].target, ast.Name)
            and branch[1].target.id == acc
            and isinstance(branch[1].value, ast.Constant)
            and branch[1].value.value == 1
        ):
            return {
                "kind": "pack",
                "acc": acc,
                "out": branch[0].targets[0].value.id,
                "test": ast.unparse(rest[0].test),
                "value": ast.unparse(branch[0].value),
                "head": head,
            }
    return None


def _fission(loop: ast.For, facts: LoopFacts, events) -> dict | None:
    """The longest head of plain assignments (private values, independent elements at the loop's
    index) that reads nothing the rest of the body writes: it can run as a parallel loop first."""
    if facts.step != 1 or facts.exits or facts.calls:
        return None
    body = loop.body
    later_writes: set[str] = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                later_writes.add(node.id)
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name):
                    later_writes.add(node.value.id)
    head = 0
    for stmt in body:
        if not isinstance(stmt, ast.Assign) or len(stmt.targets) != 1:
            break
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            if target.id not in facts.private:
                break
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            if target.value.id not in facts.independent:
                break
        else:
            break
        tail = body[head + 1 :]
        tail_writes = {
            n.id if isinstance(n, ast.Name) else n.value.id
            for t in tail
            for n in ast.walk(t)
            if (isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))
            or (
                isinstance(n, ast.Subscript)
                and isinstance(n.ctx, ast.Store)
                and isinstance(n.value, ast.Name)
            )
        }
        reads = {n.id for n in ast.walk(stmt.value) if isinstance(n, ast.Name)} | {
            n.value.id
            for n in ast.walk(stmt)
            if isinstance(n, ast.Subscript)
            and isinstance(n.value, ast.Name)
            and isinstance(n.ctx, ast.Load)
        }
        # an independent array is read and written at the iteration's own index only: the head
        # reads it before the tail writes it, in the split loops as in the original
        if reads & (tail_writes - {facts.var} - set(facts.independent)):
            break
        head += 1
    if head == 0 or head == len(body):
        return None
    # worth a loop of its own only when the head computes (a call, a multiplication...), and
    # only for an outermost loop: inside another loop its buffers would be allocated every time
    work = any(
        isinstance(n, ast.Call)
        or (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult | ast.Div | ast.Pow | ast.Mod))
        for stmt in body[:head]
        for n in ast.walk(stmt)
    )
    if not work or facts.depth > 0 or facts.in_while:
        return None
    assigned = [s.targets[0].id for s in body[:head] if isinstance(s.targets[0], ast.Name)]
    used_later = {n.id for stmt in body[head:] for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    return {"head": head, "expand": [n for n in dict.fromkeys(assigned) if n in used_later]}


def _private_assign(stmt, facts: LoopFacts) -> bool:
    return (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Name)
        and stmt.targets[0].id in facts.private
    )


def _stores_name(stmt, name: str, var: str) -> bool:
    """``out[var] = name``."""
    return (
        isinstance(stmt, ast.Assign)
        and len(stmt.targets) == 1
        and isinstance(stmt.targets[0], ast.Subscript)
        and isinstance(stmt.targets[0].value, ast.Name)
        and isinstance(stmt.targets[0].slice, ast.Name)
        and stmt.targets[0].slice.id == var
        and isinstance(stmt.value, ast.Name)
        and stmt.value.id == name
    )


def _update_operand(stmt, name: str, op: str):
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        if stmt.target.id == name and isinstance(stmt.op, ast.Add) and op == "+":
            return stmt.value
        return None
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name) and target.id == name:
            value = stmt.value
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                if value.func.id == op and len(value.args) == 2:
                    first, second = value.args
                    if isinstance(first, ast.Name) and first.id == name:
                        return second
            if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and op == "+":
                if isinstance(value.left, ast.Name) and value.left.id == name:
                    return value.right
    return None


def _select_group(loop: ast.For, events) -> dict | None:
    """``if e < key: key = e; c = v ...`` at the top of the body (an argmin, argmax): the
    selection, which blocks can make in parallel and combine in order with the same test."""
    for stmt in loop.body:
        if not (isinstance(stmt, ast.If) and not stmt.orelse and stmt.body):
            continue
        conjuncts = stmt.test.values if _is_and(stmt.test) else [stmt.test]
        last = conjuncts[-1]
        if not (isinstance(last, ast.Compare) and len(last.ops) == 1):
            continue
        if not all(
            isinstance(a, ast.Assign) and len(a.targets) == 1 and isinstance(a.targets[0], ast.Name)
            for a in stmt.body
        ):
            continue
        assigned = {a.targets[0].id: a.value for a in stmt.body}
        left, right, op = last.left, last.comparators[0], type(last.ops[0])
        flip = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}
        if isinstance(left, ast.Name) and left.id in assigned:  # key > e  ->  e < key
            left, right, op = right, left, flip.get(op)
        if op not in flip or not (isinstance(right, ast.Name) and right.id in assigned):
            continue
        key = right.id
        if ast.dump(assigned[key]) != ast.dump(left):
            continue
        group = set(assigned)
        values_clean = not any(
            isinstance(n, ast.Name) and n.id in group
            for v in assigned.values()
            for n in ast.walk(v)
        )
        inside = {id(n) for n in ast.walk(stmt)}
        elsewhere = any(
            e.name in group and id(e.node) not in inside for e in events if e.kind != "aread"
        )
        rest_reads = [
            n
            for c in conjuncts[:-1]
            for n in ast.walk(c)
            if isinstance(n, ast.Name) and n.id in group
        ]
        if values_clean and not elsewhere and not rest_reads:
            return {
                "key": key,
                "op": {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}[op],
                "companions": sorted(group - {key}),
            }
    return None
