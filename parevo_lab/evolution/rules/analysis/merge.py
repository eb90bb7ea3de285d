"""A two-cursor merge of two sorted arrays, recognised in a ``while`` loop:

    i = 0
    j = 0
    while i < nx or j < ny:
        if j == ny or (i < nx and a[i] <= b[j]):
            ...            # array stores only
            i += 1
        else:
            ...
            j += 1

Split at P keys drawn from the longer array (each part takes, from both arrays, the entries
whose key lies in its range: a binary search each), the parts merge independently and write
what the whole merge writes, in the same order within every key, as long as the arrays are
sorted and the bodies' stores follow the merge (``z[a[i]] += ...``, ``out[i + j] = ...``): the
move is proposed on that trust and the cascade decides (ParlayLib's merge, by co-ranking)."""

from __future__ import annotations

import ast

from .facts import LoopFacts


def _steps(block: list[ast.stmt], name: str) -> bool:
    last = block[-1] if block else None
    return (
        isinstance(last, ast.AugAssign)
        and isinstance(last.op, ast.Add)
        and isinstance(last.target, ast.Name)
        and last.target.id == name
        and isinstance(last.value, ast.Constant)
        and last.value.value == 1
    )


def _plain(block: list[ast.stmt]) -> bool:
    """Only stores into arrays: no scalar assigned, no exit, no inner loop."""
    for stmt in block:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Break | ast.Continue | ast.Return | ast.For | ast.While):
                return False
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                return False
    return True


def _starts_at_zero(before: list[ast.stmt], name: str) -> bool:
    for stmt in reversed(before):
        targets = [n for n in ast.walk(stmt) if isinstance(n, ast.Name) and n.id == name]
        if any(isinstance(t.ctx, ast.Store) for t in targets):
            return (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.value, ast.Constant)
                and stmt.value.value == 0
            )
    return False


def merge_of(loop: ast.While, before: list[ast.stmt]) -> dict | None:
    """{i, j, nx, ny, a, b} of a two-cursor merge, or None. ``before``: the statements that
    precede the loop in its block (where the cursors must be set to 0)."""
    test = loop.test
    if loop.orelse or not (
        isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) and len(test.values) == 2
    ):
        return None
    bounds = []
    for part in test.values:
        if not (
            isinstance(part, ast.Compare)
            and len(part.ops) == 1
            and isinstance(part.ops[0], ast.Lt)
            and isinstance(part.left, ast.Name)
        ):
            return None
        bounds.append((part.left.id, part.comparators[0]))
    (i, nx), (j, ny) = bounds
    if i == j or len(loop.body) != 1 or not isinstance(loop.body[0], ast.If):
        return None
    branch = loop.body[0]
    if not (_steps(branch.body, i) and _steps(branch.orelse, j)):
        return None
    if not (_plain(branch.body[:-1]) and _plain(branch.orelse[:-1])):
        return None
    keys = None
    for node in ast.walk(branch.test):
        if (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], ast.LtE | ast.Lt)
            and all(isinstance(s, ast.Subscript) for s in (node.left, node.comparators[0]))
        ):
            left, right = node.left, node.comparators[0]
            if (
                isinstance(left.value, ast.Name)
                and isinstance(right.value, ast.Name)
                and isinstance(left.slice, ast.Name)
                and isinstance(right.slice, ast.Name)
                and (left.slice.id, right.slice.id) == (i, j)
            ):
                keys = (left.value.id, right.value.id)
    if keys is None or not (_starts_at_zero(before, i) and _starts_at_zero(before, j)):
        return None
    return {
        "i": i,
        "j": j,
        "nx": ast.unparse(nx),
        "ny": ast.unparse(ny),
        "a": keys[0],
        "b": keys[1],
    }


def merge_facts(loop: ast.While, block: list[ast.stmt], depth, parent) -> LoopFacts | None:
    """The facts of a merge ``loop`` of ``block`` (None: not a merge, or its cursors are read
    after it, where each part would leave its own)."""
    at = block.index(loop)
    found = merge_of(loop, block[:at])
    if found is None:
        return None
    read_after = {
        n.id
        for stmt in block[at + 1 :]
        for n in ast.walk(stmt)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    if {found["i"], found["j"]} & read_after:
        return None
    return LoopFacts(
        id=f"L{loop.lineno}",
        line=loop.lineno,
        var=f"{found['i']}, {found['j']}",
        depth=depth,
        parent=parent,
        step=1,
        merge=found,
    )
