"""Array classification: how a loop's writes to each array relate across iterations
(independent, read ahead, a conflict, a scatter, a pack's cursor stores, or dependent)."""

from __future__ import annotations

import ast

from .events import _Event
from .facts import PRANGE_REDUCTIONS, LoopFacts, _constant, _family


def _alias_of(stmt, var, varying) -> str | None:
    """``row = A[i]`` (or ``A[i, :]``): writes through ``row`` are writes to A's row i."""
    value = getattr(stmt, "value", None)
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name):
        if _injective(value.slice, var, varying):
            return value.value.id
    return None


def _view_of(stmt) -> str | None:
    """``row = A[j]`` / ``part = A[lo:hi]`` / ``b = a``: the shared array a private name views."""
    value = getattr(stmt, "value", None)
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name):
        return value.value.id
    if isinstance(value, ast.Name):
        return value.id
    return None


def _classify_arrays(facts, events, var, varying, aliases, views=None) -> None:
    views = views or {}
    stores = [e for e in events if e.kind in ("astore", "aupdate")]
    by_array: dict[str, list[_Event]] = {}
    for event in stores:
        by_array.setdefault(event.name, []).append(event)
    for name, writes in by_array.items():
        if name in aliases:
            if all(e.index is not None for e in writes):
                continue  # writes to a private row view of an independent row
        if name in views and views[name] not in facts.private:
            # a private view of a shared array that does not follow the loop's index: its
            # elements are shared with other iterations (A[i] viewed in a loop over k)
            facts.dependent[views[name]] = (
                f"written through `{name}`, a view other iterations share"
            )
            continue
        if name == "?" or name in facts.private:
            if name == "?":
                facts.dependent["?"] = "a store through an expression"
            continue
        reads = [e for e in events if e.kind == "aread" and e.name == name]
        whole = [e for e in writes if e.index is None or isinstance(e.index, ast.Slice)]
        if whole:
            facts.dependent[name] = "written as a whole (a slice or a method) in every iteration"
            continue
        updates = [e for e in writes if e.kind == "aupdate"]
        injective = [e for e in writes if _injective(e.index, var, varying)]
        if len(injective) == len(writes):
            indices = {ast.dump(e.index) for e in writes}
            if len(indices) > 1:
                facts.dependent[name] = "written at several index expressions"
                continue
            written = next(iter(indices))
            other = [e for e in reads if ast.dump(e.index) != written]
            if not other:
                facts.independent.append(name)
            elif all(_ahead(e.index, writes[0].index, var) for e in other):
                facts.ahead.append(name)
            else:
                facts.dependent[name] = "read at an index another iteration writes"
            continue
        ops = {_family(e.op) for e in updates}
        if len(updates) == len(writes) and len(ops) == 1 and not reads:
            op = next(iter(ops))
            if op in PRANGE_REDUCTIONS:
                facts.conflicts[name] = op
                continue
        if not updates and not reads and len({ast.dump(e.index) for e in writes}) == 1:
            facts.scatters.append(name)  # a permutation's scatter is parallel; a repeat races
            continue
        facts.dependent[name] = "written at indices other iterations may write or read"


def _cursor_stores(facts: LoopFacts, events) -> None:
    """``out[k] = v; k += 1``: stores at a running count that only grows by positive constants
    never meet (a pack). Such an array is written independently, at the cursor's own values."""
    cursors = set()
    for name, op in facts.scans.items():
        updates = [e for e in events if e.name == name and e.kind == "update"]
        if op == "+" and all(
            e.op == "+" and isinstance(_constant(e.value), int) and _constant(e.value) > 0
            for e in updates
        ):
            cursors.add(name)
    for array in list(facts.scatters):
        stores = [e for e in events if e.name == array and e.kind == "astore"]
        if stores and all(isinstance(e.index, ast.Name) and e.index.id in cursors for e in stores):
            facts.scatters.remove(array)
            facts.independent.append(array)


def _depends(expr, varying) -> bool:
    return any(isinstance(n, ast.Name) and n.id in varying for n in ast.walk(expr))


def _injective(index, var, varying) -> bool:
    """Does ``index`` take a different value in every iteration of the loop over ``var``?"""
    if index is None:
        return False
    if isinstance(index, ast.Tuple):
        return any(_injective(e, var, varying) for e in index.elts)
    if isinstance(index, ast.Name):
        return index.id == var
    if isinstance(index, ast.BinOp) and isinstance(index.op, ast.Add | ast.Sub):
        left, right = index.left, index.right
        if _injective(left, var, varying) and not _depends(right, varying):
            return True
        if isinstance(index.op, ast.Add):
            return _injective(right, var, varying) and not _depends(left, varying)
        return False
    if isinstance(index, ast.BinOp) and isinstance(index.op, ast.Mult):
        left, right = index.left, index.right
        for a, b in ((left, right), (right, left)):
            value = _constant(b)
            if value not in (None, 0) and _injective(a, var, varying):
                return True
    if isinstance(index, ast.UnaryOp) and isinstance(index.op, ast.USub):
        return _injective(index.operand, var, varying)
    return False


def _offset(index, var) -> int | None:
    """c when ``index`` is ``var + c`` or ``var - c`` (constants), 0 for ``var``, else None."""
    if isinstance(index, ast.Name) and index.id == var:
        return 0
    if isinstance(index, ast.BinOp) and isinstance(index.op, ast.Add | ast.Sub):
        if isinstance(index.left, ast.Name) and index.left.id == var:
            value = _constant(index.right)
            if isinstance(value, int):
                return value if isinstance(index.op, ast.Add) else -value
    return None


def _ahead(read_index, write_index, var) -> bool:
    """The read is at ``var + c`` (c > 0) where the write is at ``var``: an anti-dependence."""
    if isinstance(read_index, ast.Tuple) and isinstance(write_index, ast.Tuple):
        if len(read_index.elts) != len(write_index.elts):
            return False
        offsets = []
        for r, w in zip(read_index.elts, write_index.elts, strict=True):
            if ast.dump(r) == ast.dump(w):
                continue
            offsets.append(_ahead(r, w, var))
        return bool(offsets) and all(offsets)
    if _offset(write_index, var) != 0:
        return False
    offset = _offset(read_index, var)
    return offset is not None and offset > 0


def _strided(facts: LoopFacts, events, loop: ast.For) -> None:
    """In a loop over ``range(lo, hi, step)`` (step not 1) it does not change: the dependent
    arrays read and written only at ``var + e``, where e's names are inner loop variables or
    names the loop never assigns (an FFT stage: ``x[start + k]``, ``x[start + k + half]``).
    Iterations touch disjoint blocks when e stays in [0, step): proposed on that trust."""
    args = loop.iter.args
    var = facts.var
    assigned = {e.name for e in events if e.kind in ("write", "update")}
    inner = {
        n.target.id
        for n in ast.walk(loop)
        if isinstance(n, ast.For) and n is not loop and isinstance(n.target, ast.Name)
    }
    if len(args) != 3 or _depends(args[2], assigned | {var}):
        return

    def terms(node) -> list:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return terms(node.left) + terms(node.right)
        return [node]

    def in_block(index) -> bool:
        parts = terms(index) if index is not None else []
        own = [t for t in parts if isinstance(t, ast.Name) and t.id == var]
        names = {
            n.id for t in parts if t not in own for n in ast.walk(t) if isinstance(n, ast.Name)
        }
        return len(own) == 1 and var not in names and names <= inner | (names - assigned)

    for name in list(facts.dependent):
        touched = [e for e in events if e.name == name and e.kind in ("aread", "astore", "aupdate")]
        if touched and all(in_block(e.index) for e in touched):
            del facts.dependent[name]
            facts.strided.append(name)
