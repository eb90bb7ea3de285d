"""What each ``for`` loop of a sequential kernel does, read from its AST.

The rule-based paralleliser decides with these facts; the cascade (verify, the race detector)
judges the result, so the analysis may be optimistic but must say why it refuses a loop. Every
loop is named ``L<line>`` by its line in the function's own source (1 = the ``def`` line).

Per loop, every name written in its body is classified:

- scalars: a *reduction* (only ever ``s op= e``, ``s = s op e`` or ``s = max(s, e)``), *private*
  (first written, unconditionally, at the top of each iteration), a *scan* (updated like a
  reduction but also read where only array stores use it: a prefix sum, a pack's cursor), or
  *carried* (anything else: iteration i needs iteration i-1);
- arrays: *independent* (written only at one index that differs for every iteration, read only
  there), *ahead* (as independent, but also read at ``i + c`` for positive constants c: the
  sequential loop reads old values there, a copy made before the loop keeps that), a *conflict*
  (updated ``a[k] op= v`` at indices iterations may share: a histogram), or *dependent*.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ...errors import ParevoError

# operators numba's prange recognises as scalar reductions (NUMBA_NOTES.md): others need blocks
PRANGE_REDUCTIONS = {"+", "-", "*", "max", "min"}
ASSOCIATIVE = {"+", "-", "*", "max", "min", "|", "&", "^"}
_BINOPS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
}


class AnalysisError(ParevoError):
    """The source holds no function the paralleliser can work on."""


@dataclass
class LoopFacts:
    id: str
    line: int
    var: str
    depth: int  # 0 for a loop directly in the function body (or under if/while there)
    parent: str | None  # the innermost enclosing for loop
    step: int | None  # 1, -1, another constant, or None when not a constant
    in_while: bool = False
    reductions: dict[str, str] = field(default_factory=dict)
    # min/max reductions the loop also reads, only to prune (``if e >= best: break``): each block
    # can prune with its own partial, which is never tighter than the serial running value
    bounded: list[str] = field(default_factory=list)
    private: list[str] = field(default_factory=list)
    carried: dict[str, str] = field(default_factory=dict)
    scans: dict[str, str] = field(default_factory=dict)
    independent: list[str] = field(default_factory=list)
    ahead: list[str] = field(default_factory=list)
    conflicts: dict[str, str] = field(default_factory=dict)
    dependent: dict[str, str] = field(default_factory=dict)
    scatters: list[str] = field(default_factory=list)  # a[idx[i]] = v: right if idx never repeats
    select: dict | None = None  # if e < key: key = e; c = v (an argmin): key, op, companions
    pattern: dict | None = None  # a histogram, scan or pack that a primitive computes
    fission: dict | None = None  # a parallel head of the body before a carried tail
    exits: str | None = None  # "return" or "break"
    exit_pure: bool = False  # before its exit, the body writes no arrays and carries nothing
    live_after: list[str] = field(default_factory=list)  # private scalars read after the loop
    exit_names: list[str] = field(default_factory=list)  # assigned only where the loop exits
    calls: list[str] = field(default_factory=list)  # calls that may write their arguments

    def blockers(self) -> list[str]:
        """Why a plain prange of this loop would be wrong (empty: it would be right)."""
        why = []
        if self.step not in (1,):
            why.append(f"step {self.step}" if self.step is not None else "a non-constant step")
        if self.exits:
            why.append(f"it can {self.exits} early")
        why += [f"`{s}` is carried ({r})" for s, r in self.carried.items()]
        why += [f"`{s}` is a running {op} read inside the loop" for s, op in self.scans.items()]
        why += [
            f"`{s}` is a {op} reduction prange cannot do"
            for s, op in self.reductions.items()
            if op not in PRANGE_REDUCTIONS
        ]
        why += [f"`{s}` is a running {self.reductions[s]} read to prune" for s in self.bounded]
        why += [f"`{a}` is updated at indices iterations share" for a in self.conflicts]
        why += [f"`{a}` is read ahead of where it is written" for a in self.ahead]
        why += [f"`{a}`: {r}" for a, r in self.dependent.items()]
        why += [f"`{a}` is stored at indices that may repeat" for a in self.scatters]
        why += [f"`{s}` is assigned in the loop and read after it" for s in self.live_after]
        why += [f"`{c}(...)` may write its arguments" for c in self.calls]
        return why

    def strategies(self) -> list[str]:
        """The transformations that fit this loop, most promising first (fission only when
        nothing else fits: it parallelises part of the loop)."""
        found = self._strategies()
        if not found and self.fission is not None:
            return ["fission"]
        return found

    def _strategies(self) -> list[str]:
        found = []
        clean_scalars = not self.carried and not self.live_after and not self.calls
        arrays_clean = not self.dependent
        if self.exits:
            # what the exit's own block assigns is redone by the serial tail: it may be live
            live = set(self.live_after) - set(self.exit_names)
            if (
                self.exit_pure
                and self.step in (1, -1)
                and not self.carried
                and not live
                and not self.calls
                and arrays_clean
                and not self.scatters
            ):
                return ["search"]
            return []
        if not clean_scalars or not arrays_clean or self.step != 1:
            return []
        blocked_ops = bool(self.bounded) or any(
            op not in PRANGE_REDUCTIONS for op in self.reductions.values()
        )
        if self.scans:
            if not self.conflicts and not self.ahead:
                found.append("scan")
            if self.pattern is not None:
                found.append("primitive")
            return found
        if self.conflicts:
            if not self.ahead and not blocked_ops:
                found.append("privatise")
            if self.pattern is not None:
                found.append("primitive")
            return found
        if self.ahead:
            if not blocked_ops:
                found.append("double_buffer")
            return found
        if self.select is not None:
            return [] if self.scatters or self.conflicts or self.scans or self.ahead else ["select"]
        if self.scatters:  # speculative: the race detector and the verifier decide
            return ["blocks"] if blocked_ops else ["prange"]
        if blocked_ops:
            return ["blocks"]
        found.append("prange")
        if self.reductions:
            found.append("blocks")
        return found

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "line": self.line,
            "var": self.var,
            "depth": self.depth,
            "parent": self.parent,
            "strategies": self.strategies(),
            "blockers": self.blockers(),
            "reductions": self.reductions,
            "bounded": self.bounded,
            "scans": self.scans,
            "conflicts": self.conflicts,
            "scatters": self.scatters,
        }


@dataclass
class Analysis:
    function: ast.FunctionDef
    source: str  # the function's own source
    loops: dict[str, LoopFacts]
    arrays: set[str]  # names subscripted anywhere in the function

    def loop_node(self, loop_id: str, tree: ast.FunctionDef | None = None) -> ast.For:
        return find_loop(tree or self.function, self.loops[loop_id].line)


def find_loop(function: ast.FunctionDef, line: int) -> ast.For:
    for node in ast.walk(function):
        if isinstance(node, ast.For) and node.lineno == line:
            return node
    raise KeyError(f"no for loop at line {line}")


def function_source(source: str, name: str) -> str:
    """The source of the top-level function ``name``, dedented, starting at its ``def``."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(source, node)  # from `def`: no decorators
    raise AnalysisError(f"no top-level function `{name}` in the source")


def analyse(function_src: str) -> Analysis:
    """Analyse the one function defined by ``function_src`` (as ``function_source`` returns)."""
    tree = ast.parse(function_src)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    if len(functions) != 1:
        raise AnalysisError("give the source of exactly one function")
    function = canonicalise(functions[0])
    arrays = {
        n.value.id
        for n in ast.walk(function)
        if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
    }
    loops: dict[str, LoopFacts] = {}

    def visit(body, depth, parent, in_while):
        for stmt in body:
            if isinstance(stmt, ast.For):
                facts = _loop_facts(function, stmt, depth, parent, in_while, arrays)
                if facts is not None:
                    loops[facts.id] = facts
                    visit(stmt.body, depth + 1, facts.id, in_while)
                else:
                    visit(stmt.body, depth + 1, parent, in_while)
                visit(stmt.orelse, depth, parent, in_while)
            elif isinstance(stmt, ast.While):
                visit(stmt.body, depth, parent, True)
                visit(stmt.orelse, depth, parent, in_while)
            elif isinstance(stmt, ast.If):
                visit(stmt.body, depth, parent, in_while)
                visit(stmt.orelse, depth, parent, in_while)
            elif isinstance(stmt, ast.With | ast.Try):
                visit(stmt.body, depth, parent, in_while)

    visit(function.body, 0, None, False)
    return Analysis(function=function, source=function_src, loops=loops, arrays=arrays)


def canonicalise(function: ast.FunctionDef) -> ast.FunctionDef:
    """Rewrite idioms into the forms the analysis knows, in place (line numbers kept):
    ``if e < s: s = e`` becomes ``s = min(s, e)`` (and ``>``: max), also as the last conjunct
    of an ``and``: ``if c and e < s: s = e`` becomes ``if c: s = min(s, e)``."""

    def rewrite(block):
        for index, stmt in enumerate(block):
            for name in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list):
                    rewrite(inner)
            if isinstance(stmt, ast.If):
                replacement = _conditional_extreme(stmt)
                if replacement is not None:
                    block[index] = replacement

    rewrite(function.body)
    ast.fix_missing_locations(function)
    return function


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


def _range_of(loop: ast.For) -> tuple[list[ast.expr], int | None] | None:
    call = loop.iter
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "range"
        and isinstance(loop.target, ast.Name)
        and not call.keywords
        and 1 <= len(call.args) <= 3
    ):
        return None
    if len(call.args) < 3:
        return call.args, 1
    step = _constant(call.args[2])
    return call.args, step if isinstance(step, int) else None


def _constant(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _constant(node.operand)
        return -value if value is not None else None
    return None


# -- events: every access of the loop body, in source order --------------------------------


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


_PURE_MODULES = ("np.", "numpy.", "math.", "cmath.", "numba.")
_PURE_BUILTINS = {
    "abs",
    "min",
    "max",
    "int",
    "float",
    "bool",
    "complex",
    "len",
    "range",
    "round",
    "divmod",
    "pow",
}
_WRITING_NUMPY = {"np.copyto", "numpy.copyto", "np.put", "np.place", "np.fill_diagonal"}


def _call_name(call: ast.Call) -> str | None:
    parts = []
    node = call.func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _pure_call(name: str) -> bool:
    if name in _WRITING_NUMPY:
        return False
    if name in _PURE_BUILTINS or name.startswith(_PURE_MODULES):
        return True
    # methods of arrays that only read (x.sum(), x.copy(), x.shape...)
    method = name.rsplit(".", 1)[-1]
    return "." in name and method in {
        "sum",
        "min",
        "max",
        "copy",
        "astype",
        "reshape",
        "ravel",
        "item",
        "any",
        "all",
        "argmin",
        "argmax",
        "mean",
        "prod",
        "conjugate",
        "conj",
        "real",
        "imag",
    }


def _self_update(stmt: ast.Assign) -> tuple[str | None, ast.expr | None]:
    """``s = s op e`` / ``a[k] = a[k] op e`` / ``s = max(s, e)``: (op, e); else (None, None)."""
    if len(stmt.targets) != 1:
        return None, None
    target, value = stmt.targets[0], stmt.value
    if not isinstance(target, ast.Name | ast.Subscript):
        return None, None
    same = ast.dump(_load(target))
    if isinstance(value, ast.BinOp) and type(value.op) in _BINOPS:
        op = _BINOPS[type(value.op)]
        if ast.dump(value.left) == same and not _mentions(value.right, target):
            return op, value.right
        if op in ("+", "*", "|", "&", "^") and ast.dump(value.right) == same:
            if not _mentions(value.left, target):
                return op, value.left
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("max", "min")
        and len(value.args) == 2
        and not value.keywords
    ):
        first, second = value.args
        if ast.dump(first) == same and not _mentions(second, target):
            return value.func.id, second
        if ast.dump(second) == same and not _mentions(first, target):
            return value.func.id, first
    return None, None


def _load(target):
    """The expression that reads what ``target`` stores to."""
    clone = ast.parse(ast.unparse(target), mode="eval").body
    return clone


def _mentions(expr, target) -> bool:
    name = target.id if isinstance(target, ast.Name) else target.value.id
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


# -- classification ----------------------------------------------------------------------------


def _loop_facts(function, loop, depth, parent, in_while, arrays) -> LoopFacts | None:
    shape = _range_of(loop)
    if shape is None:
        return None
    _, step = shape
    var = loop.target.id
    events, exits, calls = _events(loop)
    facts = LoopFacts(
        id=f"L{loop.lineno}",
        line=loop.lineno,
        var=var,
        depth=depth,
        parent=parent,
        step=step,
        in_while=in_while,
        exits=exits,
        calls=calls,
    )
    varying = {var} | {e.name for e in events if e.kind in ("write", "update")}
    scalar_names = [
        name
        for name in dict.fromkeys(e.name for e in events if e.kind in ("write", "update"))
        if name != var
    ]
    aliases = {}  # private views of rows: row = A[i] -> A
    views: dict[str, str] = {}  # other private views of shared arrays: row = A[j] -> A
    feeding: dict[str, set[str]] = {}  # scan -> the scalars whose updates read it
    fed_by: dict[str, tuple[set[str], list[int]]] = {}  # scalar -> arrays its updates read
    for name in scalar_names:
        mine = [e for e in events if e.name == name and e.kind in ("read", "write", "update")]
        writes = [e for e in mine if e.kind in ("write", "update")]
        plain = [e for e in writes if e.kind == "write"]
        ops = {_family(e.op) for e in writes if e.kind == "update"}
        # (the `s` of `s = s + e` is not recorded as a read: the update is one event)
        other_reads = [e for e in mine if e.kind == "read"]
        stored = {e.name for e in events if e.kind in ("astore", "aupdate")}
        fed = {
            n.value.id
            for e in writes
            if e.value is not None
            for n in ast.walk(e.value)
            if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name)
        }
        if fed & stored:  # decided once the arrays are classified
            fed_by[name] = (fed & stored, [events.index(e) for e in writes])
        if not plain and len(ops) == 1 and None not in ops:
            op = next(iter(ops))
            if not other_reads:
                if op in ASSOCIATIVE:
                    facts.reductions[name] = op
                else:
                    facts.carried[name] = f"updated with {op}, not associative"
            elif op in ("min", "max") and all(e.bound == op for e in other_reads):
                facts.reductions[name] = op
                facts.bounded.append(name)
            elif all(e.in_store or e.in_update for e in other_reads) and op in ASSOCIATIVE:
                facts.scans[name] = op
                feeding[name] = {e.in_update for e in other_reads if e.in_update}
            else:
                facts.carried[name] = f"a running {op} that the loop also reads"
            continue
        first = mine[0]
        if first.kind == "write" and (first.top or not other_reads_before_write(mine)):
            facts.private.append(name)  # written (maybe conditionally) before any read
            alias = _alias_of(first.node, var, varying - {name}) if first.top else None
            if alias:
                aliases[name] = alias
            elif _view_of(first.node) is not None:
                views[name] = _view_of(first.node)
        else:
            facts.carried[name] = "read before it is written in an iteration"
    for name, readers in feeding.items():
        if any(r not in facts.reductions for r in readers):
            del facts.scans[name]  # read by something that is not a plain reduction
            facts.carried[name] = "a running value other iterations' values depend on"
    _classify_arrays(facts, events, var, varying, aliases, views)
    _cursor_stores(facts, events)
    for name, (arrays, positions) in fed_by.items():
        # the update may read an array the loop writes only where each iteration reads its own
        # element before writing it (x[i] read, then x[i] stored): other iterations never see it
        first_store = {
            a: min(
                i for i, e in enumerate(events) if e.name == a and e.kind in ("astore", "aupdate")
            )
            for a in arrays
        }
        safe = all(a in facts.independent and max(positions) < first_store[a] for a in arrays)
        if not safe and (name in facts.reductions or name in facts.scans):
            facts.reductions.pop(name, None)
            facts.scans.pop(name, None)
            facts.carried[name] = f"its updates read {', '.join(sorted(arrays))}, written here"
    facts.live_after = _live_after(function, loop, facts.private)
    facts.exit_names = _exit_block_names(loop)
    facts.pattern = _primitive_pattern(loop, facts)
    facts.fission = _fission(loop, facts, events)
    group = _select_group(loop, events)
    if group is not None and not exits:
        names = {group["key"], *group["companions"]}
        blocking = set(facts.carried) | set(facts.live_after)
        if blocking and blocking <= names:
            facts.select = group
            for name in names:
                facts.carried.pop(name, None)
            facts.private = [n for n in facts.private if n not in names]
            facts.live_after = [n for n in facts.live_after if n not in names]
    if exits:
        before = [e for e in events if not e.exit_before]
        facts.exit_pure = not any(e.kind in ("astore", "aupdate") for e in events) and not any(
            e.kind == "update" for e in before
        )
    return facts


def other_reads_before_write(mine) -> bool:
    for event in mine:
        if event.kind == "write":
            return False
        if event.kind == "read":
            return True
    return False


def _family(op):
    return "+" if op == "-" else op


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


def _live_after(function, loop, names) -> list[str]:
    """Private names of ``loop`` read after it (numba leaves their value undefined)."""
    if not names:
        return []
    end = loop.end_lineno or loop.lineno
    inner = {id(n) for n in ast.walk(loop)}
    live = set()
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id in names
            and id(node) not in inner
            and node.lineno > end
        ):
            live.add(node.id)
    # a name written again before any read after the loop is not live: the common `i` reuse
    return sorted(n for n in live if not _rewritten_first(function, loop, n))


def _rewritten_first(function, loop, name) -> bool:
    end = loop.end_lineno or loop.lineno
    first_load, first_store = None, None
    inner = {id(n) for n in ast.walk(loop)}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and id(node) not in inner:
            if node.lineno <= end:
                continue
            if isinstance(node.ctx, ast.Load):
                first_load = min(first_load or node.lineno, node.lineno)
            else:
                first_store = min(first_store or node.lineno, node.lineno)
    for node in ast.walk(function):
        if isinstance(node, ast.For) and id(node) not in inner and node.lineno > end:
            if isinstance(node.target, ast.Name) and node.target.id == name:
                first_store = min(first_store or node.lineno, node.lineno)
    return first_store is not None and (first_load is None or first_store <= first_load)
