"""Turning a plan into source text: ``render`` rewrites the reference's AST per the plan (each
loop by its strategy), casts the parallel loops' indices, swaps in the parallel sorts, and writes
the candidate module around ``kernel``. ``RenderError`` (defined in ``plan``) is raised here."""

from __future__ import annotations

import ast
import copy

from ..analysis import _constant, analyse, canonicalise, function_source
from .plan import Plan, RenderError, valid
from .strategies import _TRANSFORMS
from .tidy import (
    drop_dead_temporaries,
    fold_zero_starts,
    formatted,
    import_block,
    readable_names,
    unparse,
    used_imports,
)

PRIMITIVES_IMPORT = (
    "from parevo_lab.primitives import ADD, MAX, MIN, bincount_weights, exclusive_scan, "
    "histogram, inclusive_scan, pack"
)
SORT_PRIMITIVES = {"sort": "sort_floats", "argsort": "argsort_floats"}
# what a kernel may call from parevo_lab.primitives (its import names only those it calls)
PRIMITIVE_NAMES = (
    *PRIMITIVES_IMPORT.split(" import ")[1].split(", "),
    *sorted(SORT_PRIMITIVES.values()),
    "balanced_bounds",
)


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
    parallel: dict[str, list[ast.For]] = {}
    for loop_id, strategy in sorted(plan.loops.items()):
        facts = analysis.loops[loop_id]
        loop = targets[loop_id]
        parent_body, position = _position(fn, loop)
        new = _TRANSFORMS[strategy](loop, facts, plan, variables)
        parallel[loop_id] = _parallel_loops(new)
        marks = [ast.Expr(ast.Constant(f"{_MARK} {loop_id} {edge}")) for edge in ("in", "out")]
        parent_body[position : position + 1] = [marks[0], *new, marks[1]]
    fold_zero_starts(fn)
    drop_dead_temporaries(fn)
    unsigned = plan.knob("unsigned_index")  # True: every parallel loop; a list: those loops
    for loop_id, loops in sorted(parallel.items()):
        if unsigned is True or (isinstance(unsigned, list) and loop_id in unsigned):
            for loop in loops:
                unsigned_indices(loop)
    sorts = parallel_sorts(fn) if plan.knob("parallel_sort") else []
    for call in sorts:
        call.func = ast.Name(SORT_PRIMITIVES[call.func.attr], ast.Load())
        call.args, call.keywords = call.args[:1], []
    readable_names(fn)
    ast.fix_missing_locations(fn)
    primitives = []
    if sorts or "primitive" in plan.loops.values() or plan.knob("balance"):
        used = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
        names = [name for name in PRIMITIVE_NAMES if name in used]
        primitives = [f"from parevo_lab.primitives import {', '.join(names)}"] if names else []
    header = _prelude(task_source, fn, function, primitives)
    lines, spans, opened = [], {}, {}
    for line in formatted(f"{header}\n\n{unparse(fn)}\n").splitlines():
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
    """The outermost ``numba.prange`` loops among ``stmts`` (at any depth)."""
    found: list[ast.For] = []

    def visit(node):
        if isinstance(node, ast.For) and _loop_kind(node) == "prange":
            found.append(node)
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    for stmt in stmts:
        visit(stmt)
    return found


def _loop_kind(loop: ast.For) -> str | None:
    """``"prange"`` or ``"range"`` for a loop over one of them, else None."""
    call = loop.iter
    if not isinstance(call, ast.Call):
        return None
    name = ast.unparse(call.func)
    if name in ("numba.prange", "prange"):
        return "prange"
    return "range" if name == "range" else None


def _counts_from_zero(loop: ast.For) -> bool:
    """``for v in range(m)`` / ``range(0, m)`` (or prange) whose body never assigns ``v``."""
    args = loop.iter.args
    if not isinstance(loop.target, ast.Name) or loop.iter.keywords:
        return False
    if not (len(args) == 1 or (len(args) == 2 and _constant(args[0]) == 0)):
        return False
    var = loop.target.id
    return not any(
        isinstance(n, ast.Name) and n.id == var and isinstance(n.ctx, ast.Store)
        for stmt in loop.body
        for n in ast.walk(stmt)
    )


def unsigned_indices(loop: ast.For) -> ast.For:
    """Cast to ``np.uint64`` the indices of the parallel ``loop`` that numba would check for a
    negative value (its wraparound), where the check costs: every computed index, a gather's
    ``x[idx[k]]`` included, except those numba or LLVM already know are not negative: constants
    and slices, the bare variable of ``numba.prange(n)`` (numba's parfor index is unsigned),
    and ``j``, ``j + c`` or ``j - c`` for the variable ``j`` of a ``range(m)`` loop counting
    from 0 (LLVM's induction analysis drops the check; a cast there made a 2-d stencil slower).
    The package's docstring has the measurements."""

    def plain(index, safe) -> bool:
        if isinstance(index, ast.Slice | ast.Constant) or _constant(index) is not None:
            return True
        if isinstance(index, ast.Call) and ast.unparse(index.func) == "np.uint64":
            return True
        if not isinstance(index, ast.Name | ast.BinOp | ast.Subscript | ast.Call | ast.UnaryOp):
            return True  # (an attribute, a conditional: not an index worth a cast)
        if isinstance(index, ast.Name):
            return index.id in safe
        if isinstance(index, ast.BinOp) and isinstance(index.op, ast.Add | ast.Sub):
            left, right = index.left, index.right
            if isinstance(index.op, ast.Add) and _constant(left) is not None:
                left, right = right, left
            return (
                isinstance(left, ast.Name)
                and safe.get(left.id) == "range"
                and _constant(right) is not None
            )
        return False

    def cast(index, safe):
        if plain(index, safe):
            return index
        return ast.Call(
            func=ast.Attribute(ast.Name("np", ast.Load()), "uint64", ast.Load()),
            args=[index],
            keywords=[],
        )

    def visit(node, safe: dict[str, str], top: bool = False):
        if isinstance(node, ast.For):
            if not top:  # (the parallel loop's own bounds are read once, outside it)
                visit(node.iter, safe)
            inner = dict(safe)
            for name in ast.walk(node.target):
                if isinstance(name, ast.Name):
                    inner.pop(name.id, None)  # a loop of its own rebinds the name
            kind = _loop_kind(node)
            if kind == "prange" and len(node.iter.args) != 1:
                kind = None  # prange(lo, hi): numba's parfor index is signed there
            if kind is not None and _counts_from_zero(node):
                inner[node.target.id] = kind
            for stmt in node.body:
                visit(stmt, inner)
            for stmt in node.orelse:
                visit(stmt, safe)
            return
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            if isinstance(node.slice, ast.Tuple):
                node.slice.elts = [cast(e, safe) for e in node.slice.elts]
            else:
                node.slice = cast(node.slice, safe)
        for child in ast.iter_child_nodes(node):
            visit(child, safe)

    visit(loop, {}, top=True)
    return loop


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


def _prelude(task_source: str, fn: ast.FunctionDef, reference_name: str, extra: list[str]) -> str:
    """Imports (the task's that the kernel uses, and ``extra``), the module constants the
    kernel reads, and same-file helpers (jitted)."""
    tree = ast.parse(task_source)
    used = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
    lines = ['"""Generated by ParEVO Lab\'s rule-based paralleliser."""', ""]
    imports, constants, helpers = ["import numba", "import numpy as np"], [], []
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(ast.unparse(node))
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
                helpers.append(unparse(helper))
    code = "\n".join([ast.unparse(fn), *constants, *helpers])
    lines += import_block(used_imports(imports, code) + extra)
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


def _find_loop(fn, line) -> ast.For | ast.While:
    for node in ast.walk(fn):
        if isinstance(node, ast.For | ast.While) and node.lineno == line:
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
