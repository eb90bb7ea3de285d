"""The catalogue of loop transformations, and the renderer that turns a plan into a candidate.

A *plan* names, for some loops of the reference (``L<line>``), a strategy, plus tuning knobs.
``render(task_source, plan)`` rewrites the reference's AST accordingly and returns a complete
candidate module defining ``kernel``. Strategies:

- ``prange``         the loop becomes ``numba.prange``; numba makes its scalar reductions.
- ``privatise``      the iterations are split into blocks, each updating a private copy of the
                     arrays they update at shared indices (a histogram's bins); then a merge.
- ``blocks``         explicit blocks, each folding its own partial of every reduction; the
                     partials are then combined in order (for ``^ | &``, which prange refuses).
- ``scan``           a running value that the loop also reads (a prefix sum, a pack's cursor):
                     a two-pass blocked scan (block totals, their exclusive scan, then each block
                     redone from its offset).
- ``double_buffer``  a loop reading ``a[i+c]`` ahead of writing ``a[i]`` reads a copy instead.
- ``search``         a loop that can ``return``/``break``: a parallel min (max, for a downward
                     loop) of the first iteration that exits, then that iteration, run serially.
- ``select``         ``if e < key: key = e; where = i`` (an argmin): each block selects from the
                     start values, the blocks' choices are combined in order with the same test
                     (so ties keep the iteration the sequential loop keeps).
- ``primitive``      a loop that is exactly a histogram, a running sum/max/min stored per element
                     or a pack becomes a call to ``parevo_lab.primitives`` (histogram,
                     bincount_weights, inclusive_scan/exclusive_scan, pack), its inputs computed
                     by a prange loop first.
- ``fission``        a loop whose body starts with independent work and ends with a carried
                     part is split: the head runs as a prange loop (its values kept in arrays),
                     the tail stays serial.

Knobs: ``fastmath`` (bool), ``error_model`` ("python" or "numpy"), ``blocks`` (blocks per thread
for the blocked strategies), ``unsigned_index`` (bool, on by default): inside the generated
parallel loops every computed index is cast to ``np.uint64``. numba wraps negative indices
around, and that check keeps LLVM from vectorising: measured on this machine, a ``prange(0, n)``
map ran 3.5x slower, a 3-point stencil over ``prange(1, n - 1)`` 4.7x slower and ``prange(0, n)``
ReLU 17x slower than with unsigned indices (``prange(n)`` alone is spared). A reference that
*relies* on ``x[-1]`` meaning the last element (with a computed index) then reads out of bounds:
the verifier says so, and the repair turns the knob off.
"""

from __future__ import annotations

import ast
import copy
import json
from dataclasses import dataclass, field

from .analysis import (
    ASSOCIATIVE,
    Analysis,
    LoopFacts,
    _constant,
    analyse,
    canonicalise,
    function_source,
)

STRATEGIES = (
    "prange",
    "privatise",
    "blocks",
    "scan",
    "double_buffer",
    "search",
    "select",
    "primitive",
    "fission",
)
PRIMITIVES_IMPORT = (
    "from parevo_lab.primitives import ADD, MAX, MIN, bincount_weights, exclusive_scan, "
    "histogram, inclusive_scan, pack"
)
DEFAULT_KNOBS = {
    "fastmath": False,
    "error_model": "python",
    "blocks": 1,
    "unsigned_index": True,
    "parallel_sort": False,  # np.sort / np.argsort of a 1-d array by the primitives' radix sort
}
SORT_PRIMITIVES = {"sort": "sort_floats", "argsort": "argsort_floats"}
IDENTITY = {"+": "0", "*": "1", "|": "0", "^": "0", "&": "-1"}
_DTYPES = {
    "float64": "np.float64",
    "float32": "np.float32",
    "int64": "np.int64",
    "int32": "np.int32",
    "int16": "np.int16",
    "int8": "np.int8",
    "uint64": "np.uint64",
    "uint32": "np.uint32",
    "uint16": "np.uint16",
    "uint8": "np.uint8",
    "bool": "np.bool_",
    "complex128": "np.complex128",
    "complex64": "np.complex64",
}


class RenderError(Exception):
    """The plan cannot be rendered (a missing type, an unknown loop): not a candidate."""


@dataclass
class Plan:
    loops: dict[str, str] = field(default_factory=dict)  # loop id -> strategy (absent: serial)
    knobs: dict = field(default_factory=dict)

    def knob(self, name):
        return self.knobs.get(name, DEFAULT_KNOBS[name])

    def to_dict(self) -> dict:
        return {
            "loops": dict(sorted(self.loops.items())),
            "knobs": dict(sorted(self.knobs.items())),
        }

    def key(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict | None) -> Plan:
        data = data or {}
        return cls(loops=dict(data.get("loops", {})), knobs=dict(data.get("knobs", {})))

    def describe(self) -> str:
        parts = [f"{strategy} {loop}" for loop, strategy in sorted(self.loops.items())]
        parts += [f"{k}={v}" for k, v in sorted(self.knobs.items()) if v != DEFAULT_KNOBS[k]]
        return ", ".join(parts) or "serial"


def numpy_dtype(numba_type: str | None) -> str | None:
    """``"float64"`` -> ``"np.float64"``; None for types a buffer cannot hold."""
    return _DTYPES.get((numba_type or "").strip())


def array_ndim(numba_type: str | None) -> int | None:
    """``"array(int64, 2d, C)"`` -> 2."""
    text = numba_type or ""
    if text.startswith("array(") and "d," in text:
        try:
            return int(text.split(",")[1].strip().rstrip("d"))
        except ValueError:
            return None
    return None


def valid(analysis: Analysis, plan: Plan) -> str | None:
    """Why ``plan`` cannot be rendered for ``analysis``, or None when it can."""
    for loop_id, strategy in plan.loops.items():
        if loop_id not in analysis.loops:
            return f"no loop {loop_id}"
        if strategy not in STRATEGIES:
            return f"unknown strategy {strategy}"
        parent = analysis.loops[loop_id].parent
        while parent is not None:
            if parent in plan.loops:
                return f"{loop_id} is inside {parent}, which is parallel too"
            parent = analysis.loops[parent].parent
    return None


# -- the module around the kernel ------------------------------------------------------------


def render(
    task_source: str,
    plan: Plan,
    variables: dict[str, str] | None = None,
    function: str = "reference",
) -> str:
    """A candidate module: the task's imports and constants, and ``kernel`` per ``plan``."""
    return render_with_spans(task_source, plan, variables, function)[0]


_MARK = "@@parevo-loop"


def render_with_spans(
    task_source: str,
    plan: Plan,
    variables: dict[str, str] | None = None,
    function: str = "reference",
) -> tuple[str, dict[str, tuple[int, int]]]:
    """``render``, and the candidate lines each transformed loop became: ``{loop id: (first,
    last)}``, so that a race trace or an error at a line names the loop to repair."""
    src = function_source(task_source, function)
    analysis = analyse(src)
    problem = valid(analysis, plan)
    if problem:
        raise RenderError(problem)
    tree = ast.parse(src)
    fn = canonicalise(tree.body[0])
    fn.name = "kernel"
    fn.decorator_list = [_decorator(plan)]
    variables = variables or {}
    targets = {loop_id: _find_loop(fn, analysis.loops[loop_id].line) for loop_id in plan.loops}
    for loop_id, strategy in sorted(plan.loops.items()):
        facts = analysis.loops[loop_id]
        loop = targets[loop_id]
        parent_body, position = _position(fn, loop)
        new = _TRANSFORMS[strategy](loop, facts, plan, variables)
        if plan.knob("unsigned_index"):
            for stmt in _parallel_loops(new):
                unsigned_indices(stmt.body)
        marks = [ast.Expr(ast.Constant(f"{_MARK} {loop_id} {edge}")) for edge in ("in", "out")]
        parent_body[position : position + 1] = [marks[0], *new, marks[1]]
    sorts = parallel_sorts(fn) if plan.knob("parallel_sort") else []
    for call in sorts:
        call.func = ast.Name(SORT_PRIMITIVES[call.func.attr], ast.Load())
        call.args, call.keywords = call.args[:1], []
    ast.fix_missing_locations(fn)
    header = _prelude(task_source, fn, function)
    if "primitive" in plan.loops.values():
        header = header.rstrip("\n") + "\n" + PRIMITIVES_IMPORT + "\n"
    if sorts:
        names = sorted({c.func.id for c in sorts})
        header = header.rstrip("\n") + f"\nfrom parevo_lab.primitives import {', '.join(names)}\n"
    lines, spans, opened = [], {}, {}
    for line in f"{header}\n\n{ast.unparse(fn)}\n".splitlines():
        text = line.strip().strip("'\"")
        if text.startswith(_MARK):
            _, loop_id, edge = text.split()
            if edge == "in":
                opened[loop_id] = len(lines) + 1
            else:
                spans[loop_id] = (opened.pop(loop_id), len(lines))
            continue
        lines.append(line)
    return "\n".join(lines) + "\n", spans


def parallel_sorts(fn: ast.FunctionDef) -> list[ast.Call]:
    """``np.sort(x)`` and ``np.argsort(x)`` calls of one 1-d array (no axis, an optional stable or
    default ``kind``) that the primitives' radix sorts can do: numpy's order, stable, NaNs last.
    (A float result: the verifier rejects the swap where the reference sorts integers.)"""
    out = []
    for node in ast.walk(fn):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in ("np", "numpy")
            and node.func.attr in SORT_PRIMITIVES
            and len(node.args) == 1
        ):
            continue
        kinds = [k for k in node.keywords if k.arg == "kind"]
        if len(kinds) != len(node.keywords):
            continue  # axis=, order=: not a 1-d sort the primitive does
        out.append(node)
    return out


def _parallel_loops(stmts: list[ast.stmt]) -> list[ast.For]:
    """The ``numba.prange`` loops among ``stmts`` (at any depth)."""
    return [
        node
        for stmt in stmts
        for node in ast.walk(stmt)
        if isinstance(node, ast.For) and "prange" in ast.unparse(node.iter)
    ]


def _decorator(plan: Plan) -> ast.expr:
    keywords = [ast.keyword("parallel", ast.Constant(True))]
    if plan.knob("fastmath"):
        keywords.append(ast.keyword("fastmath", ast.Constant(True)))
    if plan.knob("error_model") != "python":
        keywords.append(ast.keyword("error_model", ast.Constant(plan.knob("error_model"))))
    return ast.Call(
        func=ast.Attribute(ast.Name("numba", ast.Load()), "njit", ast.Load()),
        args=[],
        keywords=keywords,
    )


def _prelude(task_source: str, fn: ast.FunctionDef, reference_name: str) -> str:
    """Imports, the module constants the kernel reads, and same-file helpers (jitted)."""
    tree = ast.parse(task_source)
    used = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
    lines = ['"""Generated by ParEVO Lab\'s rule-based paralleliser."""', "", "import numba"]
    imports, constants, helpers = [], [], []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            text = ast.unparse(node)
            if text != "import numba":
                imports.append(text)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            names = [t.id for t in _targets(node) if isinstance(t, ast.Name)]
            if any(n in used for n in names) and not {"SIZES", "CATEGORY"} & set(names):
                constants.append(ast.get_source_segment(task_source, node) or ast.unparse(node))
        elif isinstance(node, ast.FunctionDef) and node.name in used:
            if node.name not in (reference_name, "make_inputs", "check"):
                helper = copy.deepcopy(node)
                if not any(
                    "njit" in ast.unparse(d) or "jit" in ast.unparse(d)
                    for d in helper.decorator_list
                ):
                    helper.decorator_list = [ast.parse("numba.njit").body[0].value]
                helpers.append(ast.unparse(helper))
    if not any(i in ("import numpy as np",) for i in imports):
        imports.insert(0, "import numpy as np")
    lines += imports
    if constants:
        lines += ["", *constants]
    for helper in helpers:
        lines += ["", "", helper]
    return "\n".join(lines) + "\n"


def _targets(node):
    if isinstance(node, ast.Assign):
        for target in node.targets:
            yield from (target.elts if isinstance(target, ast.Tuple) else [target])
    else:
        yield node.target


def _find_loop(fn, line) -> ast.For:
    for node in ast.walk(fn):
        if isinstance(node, ast.For) and node.lineno == line:
            return node
    raise RenderError(f"no for loop at line {line}")


def _position(fn, loop) -> tuple[list, int]:
    for node in ast.walk(fn):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list):
                for index, stmt in enumerate(block):
                    if stmt is loop:
                        return block, index
    raise RenderError("loop not found in its function")


# -- helpers for building code ----------------------------------------------------------------


def _stmts(text: str) -> list[ast.stmt]:
    return ast.parse(text).body


def _expr(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def _src(node) -> str:
    return ast.unparse(node)


def _bounds(loop: ast.For) -> tuple[str, str]:
    args = loop.iter.args
    if len(args) == 1:
        return "0", _src(args[0])
    return _src(args[0]), _src(args[1])


def unsigned_indices(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """Cast every computed array index in ``stmts`` to ``np.uint64`` (constants and slices stay:
    numba resolves a constant's sign at compile time)."""

    def cast(index):
        if isinstance(index, ast.Slice | ast.Constant) or _constant(index) is not None:
            return index
        if isinstance(index, ast.Call) and ast.unparse(index.func) == "np.uint64":
            return index
        if not isinstance(index, ast.Name | ast.BinOp | ast.Subscript | ast.Call | ast.UnaryOp):
            return index
        return ast.Call(
            func=ast.Attribute(ast.Name("np", ast.Load()), "uint64", ast.Load()),
            args=[index],
            keywords=[],
        )

    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                if isinstance(node.slice, ast.Tuple):
                    node.slice.elts = [cast(e) for e in node.slice.elts]
                else:
                    node.slice = cast(node.slice)
    return stmts


def _prange_header(loop: ast.For, tag: str, lo: str, hi: str) -> ast.For:
    """``for i in numba.prange(lo, hi):`` + the loop's body. No cast of the index: numba types it
    int64 here, and ``i = np.int64(k)`` would cost the loop its vectorisation (3-6x slower)."""
    var = loop.target.id
    bounds = hi if lo == "0" else f"{lo}, {hi}"
    header = _stmts(f"for {var} in numba.prange({bounds}):\n    pass")[0]
    header.body = copy.deepcopy(loop.body)
    return header


def _block_loops(
    loop: ast.For, tag: str, body: list[ast.stmt], lo: str, n: str, nb: str
) -> list[ast.stmt]:
    """Block ``_b<tag>``'s part of ``[lo, lo + n)``, inside a loop over the blocks.

    The block's loop counts from 0 over slices of the arrays the body reads or writes at
    ``[i]`` (or ``[i, ...]``): an index that starts at 0 is known to be non-negative, so numba
    drops the negative-index wraparound and LLVM can vectorise, which a ``range(start, stop)``
    over the whole arrays prevents (measured: 1.7x slower at one thread for a histogram)."""
    var = loop.target.id
    body = copy.deepcopy(body)
    rebound = {
        n.id
        for stmt in body
        for n in ast.walk(stmt)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    sliced: dict[str, str] = {}
    for stmt in body:
        for node in ast.walk(stmt):
            if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name)):
                continue
            name = node.value.id
            if name in rebound:
                continue
            index = node.slice
            first = index.elts[0] if isinstance(index, ast.Tuple) else index
            if isinstance(first, ast.Name) and first.id == var:
                view = sliced.setdefault(name, f"_sl{tag}_{name}")
                node.value = ast.Name(view, ast.Load())
                local = ast.Name(f"_t{tag}", ast.Load())
                if isinstance(index, ast.Tuple):
                    index.elts[0] = local
                else:
                    node.slice = local
    uses_var = any(isinstance(n, ast.Name) and n.id == var for stmt in body for n in ast.walk(stmt))
    out = _stmts(
        f"_s{tag} = {lo} + {n} * _b{tag} // {nb}\n_e{tag} = {lo} + {n} * (_b{tag} + 1) // {nb}"
    )
    out += [s for name, view in sliced.items() for s in _stmts(f"{view} = {name}[_s{tag}:_e{tag}]")]
    inner = _stmts(f"for _t{tag} in range(_e{tag} - _s{tag}):\n    pass")[0]
    inner.body = (_stmts(f"{var} = _s{tag} + _t{tag}") if uses_var else []) + body
    return out + [inner]


def _extent(loop: ast.For, tag: str) -> list[ast.stmt]:
    """``_lo<tag>`` and ``_n<tag>``: the first index and the iteration count, evaluated once."""
    lo, hi = _bounds(loop)
    return _stmts(f"_lo{tag} = {lo}\n_n{tag} = max(0, ({hi}) - _lo{tag})")


def _block_count(plan: Plan, tag: str, n: str) -> list[ast.stmt]:
    per = int(plan.knob("blocks"))
    return _stmts(f"_nb{tag} = max(1, min(numba.get_num_threads() * {per}, {n}))")


def _rename(body: list[ast.stmt], names: dict[str, str]) -> list[ast.stmt]:
    body = copy.deepcopy(body)
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and node.id in names:
                node.id = names[node.id]
    return body


def _buffer(name: str, variables: dict[str, str]) -> str:
    dtype = numpy_dtype(variables.get(name))
    if dtype is None:
        raise RenderError(
            f"the type of `{name}` is not known (numba typed it {variables.get(name)!r})"
        )
    return dtype


def _combine(op: str, acc: str, value: str) -> str:
    if op in ("max", "min"):
        return f"{op}({acc}, {value})"
    if op == "-":
        op = "+"
    return f"{acc} {op} {value}"


def _identity(op: str, dtype: str) -> str:
    if op == "&" and dtype == "np.bool_":
        return "True"
    if op in ("|", "^") and dtype == "np.bool_":
        return "False"
    return f"{dtype}({IDENTITY['+' if op == '-' else op]})"


# -- the transformations ----------------------------------------------------------------------


def _t_prange(loop, facts: LoopFacts, plan, variables) -> list[ast.stmt]:
    lo, hi = _bounds(loop)
    return [_prange_header(loop, str(facts.line), lo, hi)]


def _t_double_buffer(loop, facts, plan, variables) -> list[ast.stmt]:
    tag = str(facts.line)
    out = []
    renamed = {}
    for name in facts.ahead:
        out += _stmts(f"_old{tag}_{name} = {name}.copy()")
        renamed[name] = f"_old{tag}_{name}"
    lo, hi = _bounds(loop)
    header = _prange_header(loop, tag, lo, hi)
    written = _written_indices(header, set(renamed))
    for node in ast.walk(header):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and isinstance(node.value, ast.Name)
            and node.value.id in renamed
            and ast.dump(node.slice) not in written.get(node.value.id, set())
        ):
            node.value = ast.Name(renamed[node.value.id], ast.Load())
    return out + [header]


def _written_indices(tree, names) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            found.setdefault(node.value.id, set()).add(ast.dump(node.slice))
    return found


def _t_privatise(loop, facts, plan, variables) -> list[ast.stmt]:
    tag = str(facts.line)
    out = _extent(loop, tag)
    out += _block_count(plan, tag, f"_n{tag}")
    nb = f"_nb{tag}"
    merges = []
    for name, op in sorted(facts.conflicts.items()):
        private = f"_pv{tag}_{name}"
        shape = f"({nb},) + {name}.shape"
        if op in ("+", "-"):
            out += _stmts(f"{private} = np.zeros({shape}, {name}.dtype)")
            merges += _stmts(f"for _m in range({nb}):\n    {name} += {private}[_m]")
        elif op == "*":
            out += _stmts(f"{private} = np.ones({shape}, {name}.dtype)")
            merges += _stmts(f"for _m in range({nb}):\n    {name} *= {private}[_m]")
        else:  # max, min: start from the current values
            fn = "maximum" if op == "max" else "minimum"
            out += _stmts(
                f"{private} = np.empty({shape}, {name}.dtype)\n"
                f"for _m in range({nb}):\n    {private}[_m] = {name}"
            )
            merges += _stmts(
                f"for _m in range({nb}):\n    {name}[...] = np.{fn}({name}, {private}[_m])"
            )
    # each block updates its own row through a view: a 1-d index in the hot loop, not a 2-d one
    body = _rename(loop.body, {name: f"_rw{tag}_{name}" for name in facts.conflicts})
    rows = [
        s
        for name in sorted(facts.conflicts)
        for s in _stmts(f"_rw{tag}_{name} = _pv{tag}_{name}[_b{tag}]")
    ]
    blocks = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    blocks.body = rows + _block_loops(loop, tag, body, f"_lo{tag}", f"_n{tag}", nb)
    return out + [blocks] + merges


def _t_blocks(loop, facts, plan, variables) -> list[ast.stmt]:
    """Every reduction folded per block into a partial, the partials combined in order."""
    tag = str(facts.line)
    out = _extent(loop, tag)
    out += _block_count(plan, tag, f"_n{tag}")
    nb = f"_nb{tag}"
    local = {name: f"_r{tag}_{name}" for name in facts.reductions}
    body_start, stores, combine = [], [], []
    for name, op in sorted(facts.reductions.items()):
        dtype = _buffer(name, variables)
        part = f"_part{tag}_{name}"
        out += _stmts(f"{part} = np.empty({nb}, {dtype})")
        if op in ("max", "min"):
            body_start += _stmts(f"{local[name]} = {name}")  # the start value is neutral for it
        else:
            body_start += _stmts(f"{local[name]} = {_identity(op, dtype)}")
        stores += _stmts(f"{part}[_b{tag}] = {local[name]}")
        combine += _stmts(
            f"for _m in range({nb}):\n    {name} = {_combine(op, name, f'{part}[_m]')}"
        )
    blocks = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    inner = _block_loops(loop, tag, _rename(loop.body, local), f"_lo{tag}", f"_n{tag}", nb)
    blocks.body = body_start + inner + stores
    return out + [blocks] + combine


def _t_scan(loop, facts, plan, variables) -> list[ast.stmt]:
    """Two passes over blocks: each block's total of every running value, an exclusive scan of
    the totals (serial: one value per block), then each block again from its offset."""
    tag = str(facts.line)
    out = _extent(loop, tag)
    out += _block_count(plan, tag, f"_n{tag}")
    nb = f"_nb{tag}"
    running = dict(facts.scans)
    local = {name: f"_s{tag}_{name}" for name in running}
    first_start, first_store, offsets, second_start, finish = [], [], [], [], []
    for name, op in sorted(running.items()):
        dtype = _buffer(name, variables)
        part = f"_part{tag}_{name}"
        out += _stmts(f"{part} = np.empty({nb}, {dtype})")
        if op in ("max", "min"):  # idempotent: the start value is its own neutral element
            first_start += _stmts(f"{local[name]} = {name}")
        else:
            first_start += _stmts(f"{local[name]} = {_identity(op, dtype)}")
        first_store += _stmts(f"{part}[_b{tag}] = {local[name]}")
        offsets += _stmts(
            f"_acc{tag}_{name} = {name}\n"
            f"for _m in range({nb}):\n"
            f"    _t = {part}[_m]\n"
            f"    {part}[_m] = _acc{tag}_{name}\n"
            f"    _acc{tag}_{name} = {_combine(op, f'_acc{tag}_{name}', '_t')}"
        )
        second_start += _stmts(f"{local[name]} = {part}[_b{tag}]")
        finish += _stmts(f"{name} = _acc{tag}_{name}")
    # pass 1: only what decides the running values (no array stores, no other reductions)
    counting = _without_effects(_rename(loop.body, local), set(facts.reductions))
    first = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    first.body = (
        first_start + _block_loops(loop, tag, counting, f"_lo{tag}", f"_n{tag}", nb) + first_store
    )
    second = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    second.body = second_start + _block_loops(
        loop, tag, _rename(loop.body, local), f"_lo{tag}", f"_n{tag}", nb
    )
    return out + [first] + offsets + [second] + finish


def _without_effects(body: list[ast.stmt], reductions: set[str]) -> list[ast.stmt]:
    """The statements minus array stores and updates of ``reductions`` (empty blocks get pass)."""

    def keep(stmt) -> bool:
        targets = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AugAssign | ast.AnnAssign):
            targets = [stmt.target]
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
                    return False
            if isinstance(target, ast.Name) and target.id in reductions:
                return False
        return True

    def clean(block):
        result = []
        for stmt in block:
            if not keep(stmt):
                continue
            for name in ("body", "orelse"):
                inner = getattr(stmt, name, None)
                if isinstance(inner, list) and inner:
                    setattr(stmt, name, clean(inner) or [ast.Pass()])
                    if name == "orelse" and all(isinstance(s, ast.Pass) for s in stmt.orelse):
                        stmt.orelse = []
            result.append(stmt)
        return result

    return clean(copy.deepcopy(body)) or [ast.Pass()]


def _t_search(loop, facts, plan, variables) -> list[ast.stmt]:
    tag = str(facts.line)
    args = loop.iter.args
    var = loop.target.id
    found = f"_first{tag}"
    if facts.step == 1:
        lo, hi = _bounds(loop)
        out = _stmts(f"_hi{tag} = {hi}\n{found} = _hi{tag}")
        header = _prange_header(loop, tag, lo, f"_hi{tag}")
        pick = f"{found} = min({found}, {var})"
        tail = _stmts(f"for {var} in range({found}, _hi{tag}):\n    pass")[0]
    else:  # range(start, stop, -1): iterations start, start-1, ..., stop+1
        start, stop = _src(args[0]), _src(args[1])
        out = _stmts(f"_stop{tag} = {stop}\n{found} = _stop{tag}")
        header = _prange_header(loop, tag, f"_stop{tag} + 1", f"({start}) + 1")
        pick = f"{found} = max({found}, {var})"
        tail = _stmts(f"for {var} in range({found}, _stop{tag}, -1):\n    pass")[0]
    header.body = _exits_to(copy.deepcopy(loop.body), loop, pick)
    tail.body = copy.deepcopy(loop.body)
    tail.orelse = copy.deepcopy(loop.orelse)
    return out + [header, tail]


def _exits_to(body: list[ast.stmt], loop: ast.For, pick: str) -> list[ast.stmt]:
    """Replace every block that leaves the loop by ``pick``: what that block did before leaving
    runs again, serially, in the tail loop."""

    def leaves(stmt) -> bool:
        return isinstance(stmt, ast.Return) or isinstance(stmt, ast.Break)

    def walk(block, top):
        if any(leaves(s) for s in block):
            return _stmts(pick)
        for stmt in block:
            if isinstance(stmt, ast.If):
                stmt.body = walk(stmt.body, False)
                stmt.orelse = walk(stmt.orelse, False) if stmt.orelse else []
            elif isinstance(stmt, ast.With | ast.Try):
                stmt.body = walk(stmt.body, False)
        return block

    return walk(body, True)


def _t_select(loop, facts, plan, variables) -> list[ast.stmt]:
    tag = str(facts.line)
    group = facts.select
    names = [group["key"], *group["companions"]]
    out = _extent(loop, tag)
    out += _block_count(plan, tag, f"_n{tag}")
    nb = f"_nb{tag}"
    local = {name: f"_l{tag}_{name}" for name in names}
    start, store = [], []
    for name in names:
        out += _stmts(f"_sel{tag}_{name} = np.empty({nb}, {_buffer(name, variables)})")
        start += _stmts(f"{local[name]} = {name}")
        store += _stmts(f"_sel{tag}_{name}[_b{tag}] = {local[name]}")
    blocks = _stmts(f"for _b{tag} in numba.prange({nb}):\n    pass")[0]
    inner = _block_loops(loop, tag, _rename(loop.body, local), f"_lo{tag}", f"_n{tag}", nb)
    blocks.body = start + inner + store
    key = group["key"]
    take = "\n".join(f"        {n} = _sel{tag}_{n}[_m]" for n in names)
    combine = _stmts(
        f"for _m in range({nb}):\n    if _sel{tag}_{key}[_m] {group['op']} {key}:\n{take}"
    )
    return out + [blocks] + combine


def _t_primitive(loop, facts, plan, variables) -> list[ast.stmt]:
    pattern = facts.pattern
    if pattern is None:
        raise RenderError(f"{facts.id} is no histogram, scan or pack")
    tag = str(facts.line)
    var = loop.target.id
    head = copy.deepcopy(loop.body[: pattern["head"]])
    out = _extent(loop, tag)
    at = f"{var} - _lo{tag}"
    kind = pattern["kind"]

    def fill(lines: str) -> ast.For:
        header = _stmts(f"for {var} in numba.prange(_lo{tag}, _lo{tag} + _n{tag}):\n    pass")[0]
        header.body = copy.deepcopy(head) + _stmts(lines)
        return header

    if kind in ("histogram", "weighted_histogram"):
        name = pattern["array"]
        direct = _whole_array_key(loop, pattern["key"]) if not head else None
        if direct is not None and kind == "histogram":  # no copy of the keys
            out += _stmts(
                f"_h{tag} = histogram({direct}, {name}.shape[0])\n"
                f"for _j in range({name}.shape[0]):\n    {name}[_j] += _h{tag}[_j]"
            )
            return out
        out += _stmts(f"_keys{tag} = np.empty(_n{tag}, np.int64)")
        lines = f"_keys{tag}[{at}] = {pattern['key']}"
        if kind == "weighted_histogram":
            out += _stmts(f"_w{tag} = np.empty(_n{tag}, np.float64)")
            lines += f"\n_w{tag}[{at}] = {pattern['weight']}"
            call = f"bincount_weights(_keys{tag}, _w{tag}, {name}.shape[0])"
        else:
            call = f"histogram(_keys{tag}, {name}.shape[0])"
        out.append(fill(lines))
        out += _stmts(
            f"_h{tag} = {call}\nfor _j in range({name}.shape[0]):\n    {name}[_j] += _h{tag}[_j]"
        )
        return out
    if kind == "scan":
        acc, op = pattern["acc"], pattern["op"]
        dtype = _buffer(acc, variables)
        if dtype not in ("np.float64", "np.int64"):
            raise RenderError(f"the primitive scans take int64 or float64, `{acc}` is {dtype}")
        code = {"+": "ADD", "max": "MAX", "min": "MIN"}[op]
        scan = "exclusive_scan" if pattern["exclusive"] else "inclusive_scan"
        out += _stmts(f"_v{tag} = np.empty(_n{tag}, {dtype})")
        out.append(fill(f"_v{tag}[{at}] = {pattern['value']}"))
        out += _stmts(f"_s{tag} = {scan}(_v{tag}, {code})")
        value = _combine(op, acc, f"_s{tag}[{at}]")
        out.append(fill(f"{pattern['out']}[{var}] = {value}"))
        last = f"_s{tag}[_n{tag} - 1]"
        if pattern["exclusive"]:
            last = _combine(op, last, f"_v{tag}[_n{tag} - 1]")
        out += _stmts(f"if _n{tag} > 0:\n    {acc} = {_combine(op, acc, last)}")
        return out
    # pack: `if test: out[k] = value; k += 1`
    acc, target = pattern["acc"], pattern["out"]
    out += _stmts(
        f"_f{tag} = np.zeros(_n{tag}, np.bool_)\n_v{tag} = np.empty(_n{tag}, {target}.dtype)"
    )
    out.append(
        fill(
            f"_c{tag} = {pattern['test']}\n_f{tag}[{at}] = _c{tag}\n"
            f"if _c{tag}:\n    _v{tag}[{at}] = {pattern['value']}"
        )
    )
    out += _stmts(
        f"_p{tag} = pack(_v{tag}, _f{tag})\n"
        f"for _j in numba.prange(_p{tag}.shape[0]):\n    {target}[{acc} + _j] = _p{tag}[_j]\n"
        f"{acc} += _p{tag}.shape[0]"
    )
    return out


def _whole_array_key(loop: ast.For, key: str) -> str | None:
    """``keys`` when the key is ``keys[i]`` and the loop runs over ``range(keys.shape[0])``."""
    var = loop.target.id
    node = _expr(key)
    if not (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and isinstance(node.slice, ast.Name)
        and node.slice.id == var
    ):
        return None
    lo, hi = _bounds(loop)
    return node.value.id if lo == "0" and hi == f"{node.value.id}.shape[0]" else None


def _t_fission(loop, facts, plan, variables) -> list[ast.stmt]:
    split = facts.fission
    if split is None:
        raise RenderError(f"{facts.id} has no parallel head to split off")
    tag = str(facts.line)
    var = loop.target.id
    out = _extent(loop, tag)
    at = f"{var} - _lo{tag}"
    for name in split["expand"]:
        out += _stmts(f"_fx{tag}_{name} = np.empty(_n{tag}, {_buffer(name, variables)})")
    first = _stmts(f"for {var} in numba.prange(_lo{tag}, _lo{tag} + _n{tag}):\n    pass")[0]
    first.body = copy.deepcopy(loop.body[: split["head"]])
    first.body += [s for name in split["expand"] for s in _stmts(f"_fx{tag}_{name}[{at}] = {name}")]
    second = _stmts(f"for {var} in range(_lo{tag}, _lo{tag} + _n{tag}):\n    pass")[0]
    second.body = [
        s for name in split["expand"] for s in _stmts(f"{name} = _fx{tag}_{name}[{at}]")
    ] + copy.deepcopy(loop.body[split["head"] :])
    return out + [first, second]


_TRANSFORMS = {
    "prange": _t_prange,
    "privatise": _t_privatise,
    "blocks": _t_blocks,
    "scan": _t_scan,
    "double_buffer": _t_double_buffer,
    "search": _t_search,
    "select": _t_select,
    "primitive": _t_primitive,
    "fission": _t_fission,
}


def label(loop: LoopFacts, strategy: str) -> str:
    """A person's description of applying ``strategy`` to ``loop``."""
    where = f"loop {loop.id} (`for {loop.var}`)"
    if strategy == "prange":
        reductions = ", ".join(f"{s} {op}" for s, op in loop.reductions.items())
        text = f"prange {where}" + (f" with reductions {reductions}" if reductions else "")
        if loop.scatters:
            text += f", trusting that the indices of {', '.join(loop.scatters)} never repeat"
        return text
    if strategy == "privatise":
        return f"privatise {', '.join(loop.conflicts)} per block in {where}, then merge"
    if strategy == "blocks":
        return f"blocked reduction of {', '.join(loop.reductions)} in {where}"
    if strategy == "scan":
        return f"two-pass blocked scan of {', '.join(loop.scans)} in {where}"
    if strategy == "double_buffer":
        return f"double-buffer {', '.join(loop.ahead)} in {where}"
    if strategy == "search":
        return f"parallel search for the first exit of {where}"
    if strategy == "fission":
        split = loop.fission or {}
        return (
            f"split {where}: its first {split.get('head')} statement(s) in parallel, the rest "
            "serial"
        )
    if strategy == "primitive":
        pattern = loop.pattern or {}
        call = {
            "histogram": "histogram",
            "weighted_histogram": "bincount_weights",
            "scan": "exclusive_scan" if pattern.get("exclusive") else "inclusive_scan",
            "pack": "pack",
        }.get(pattern.get("kind"), "a primitive")
        return f"replace {where} by parevo_lab.primitives.{call}"
    if strategy == "select":
        group = loop.select or {}
        return f"blocked selection of {group.get('key')} (argmin-like) in {where}"
    return f"{strategy} {where}"


__all__ = [
    "ASSOCIATIVE",
    "DEFAULT_KNOBS",
    "Plan",
    "RenderError",
    "STRATEGIES",
    "label",
    "render",
    "valid",
]
