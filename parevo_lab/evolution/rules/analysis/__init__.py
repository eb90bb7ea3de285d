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

The package: ``facts`` (the LoopFacts record, per-expression facts) at the bottom; ``events``
(every access of a loop body) on it; ``arrays`` (array classification) on both; ``patterns``
(idioms, primitives, fission, selections) on facts alone. This module, on top, classifies each
loop's scalars and puts the analysis together.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ....errors import ParevoError
from .arrays import _alias_of, _classify_arrays, _cursor_stores, _strided, _view_of
from .events import _events, _exit_block_names
from .facts import ASSOCIATIVE, PRANGE_REDUCTIONS, LoopFacts, _constant, _family, _range_of
from .maxplus import max_plus
from .merge import merge_facts
from .patterns import _conditional_extreme, _fission, _primitive_pattern, _select_group

__all__ = [
    "ASSOCIATIVE",
    "PRANGE_REDUCTIONS",
    "Analysis",
    "AnalysisError",
    "LoopFacts",
    "_constant",
    "analyse",
    "canonicalise",
    "find_loop",
    "function_source",
    "other_reads_before_write",
]


class AnalysisError(ParevoError):
    """The source holds no function the paralleliser can work on."""


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
                merge = merge_facts(stmt, body, depth, parent)
                if merge is not None and not in_while:
                    loops[merge.id] = merge
                    continue
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
    if step != 1:  # range(lo, hi, step): an FFT stage's blocks?
        _strided(facts, events, loop)
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
    facts.maxplus = max_plus(facts, events)
    if facts.maxplus is not None:  # the blocks' summaries carry it (analysis/maxplus.py)
        facts.carried.pop(facts.maxplus["running"])
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
