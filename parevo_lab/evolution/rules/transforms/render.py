"""Turning a plan into source text: ``render`` rewrites the reference's AST per the plan (each
loop by its strategy), casts the parallel loops' indices, swaps in the parallel sorts, and writes
the candidate module around ``kernel``. ``RenderError`` (defined in ``plan``) is raised here."""

from __future__ import annotations

import ast
import copy

from ..analysis import _constant, analyse, canonicalise, function_source
from .plan import Plan, RenderError, valid
from .strategies import _TRANSFORMS
from .tidy import readable_names, used_imports

PRIMITIVES_IMPORT = (
    "from parevo_lab.primitives import ADD, MAX, MIN, bincount_weights, exclusive_scan, "
    "histogram, inclusive_scan, pack"
)
SORT_PRIMITIVES = {"sort": "sort_floats", "argsort": "argsort_floats"}


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
    readable_names(fn)
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
    code = "\n".join([ast.unparse(fn), *constants, *helpers])
    lines += used_imports(imports, code)
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
