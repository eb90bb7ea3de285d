"""The access rewriting of the race replay (instrument.py drives it): the per-loop context, the
transformer that routes every subscript load of a prange body through ``shadow.load`` (helper
calls to their instrumented clones, ``get_thread_id()``/``get_num_threads()`` to the simulated
schedule, opaque calls that receive a tracked array to the unchecked list), the serial-code call
rewriter, and the small AST builders both modules share.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Protocol

_MUTATING_METHODS = {"fill", "sort", "put", "resize", "itemset", "partition", "setfield"}


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _index_expr(node: ast.expr) -> ast.expr:
    """The subscript's index as a value: slices become ``slice(lo, hi, step)`` calls."""
    if isinstance(node, ast.Slice):
        parts = [node.lower, node.upper, node.step]
        return ast.Call(
            func=ast.Name("slice", ast.Load()),
            args=[p if p is not None else ast.Constant(None) for p in parts],
            keywords=[],
        )
    if isinstance(node, ast.Tuple):
        return ast.Tuple([_index_expr(e) for e in node.elts], ast.Load())
    return _without_unsigned_cast(node)


_UNSIGNED = {"np.uint64", "numpy.uint64", "numba.uint64", "np.uintp", "numpy.uintp"}


def _without_unsigned_cast(node: ast.expr) -> ast.expr:
    """``np.uint64(e)`` -> ``e``: an unsigned cast spares numba the negative-index check (so fast
    kernels use it), and the shadow records indices as int64, where the cast would mix signs."""
    while (
        isinstance(node, ast.Call)
        and len(node.args) == 1
        and not node.keywords
        and ast.unparse(node.func) in _UNSIGNED
    ):
        node = node.args[0]
    return node


class _Owner(Protocol):
    """What the transformers need of the Instrumenter (instrument.py) that drives them."""

    lines: list[str]
    helper_names: set[str]
    threads: int
    unchecked: list[dict]

    def site(self, node: ast.AST, array: str, access: str, function: str) -> int: ...

    def helper(self, name: str) -> str: ...

    def has_prange(self, name: str) -> bool: ...

    def serial_helper(self, name: str) -> str: ...


@dataclass
class _Context:
    loop_id: int | str  # a constant in the kernel, a parameter in helpers
    shadow: str
    iteration: str
    flags: dict[str, str]
    function: str
    thread_id: str
    plain: set[str] = field(default_factory=set)  # arrays that cannot race here: left as they are

    def tail(self, site: int) -> list[ast.expr]:
        """The arguments every shadow call ends with: state, shadow, site, iteration, loop."""
        loop = (
            ast.Constant(self.loop_id)
            if isinstance(self.loop_id, int)
            else ast.Name(self.loop_id, ast.Load())
        )
        return [
            ast.Name("_pr_state", ast.Load()),
            ast.Name(self.shadow, ast.Load()),
            ast.Constant(site),
            ast.Name(self.iteration, ast.Load()),
            loop,
        ]

    def guard(self, name: str, statement: ast.stmt) -> ast.stmt:
        """Run ``statement`` only when array ``name`` is tracked in this loop instance.

        Names defined in the body and helper parameters have no flag: the address decides."""
        if name not in self.flags:
            return statement
        return ast.If(test=ast.Name(self.flags[name], ast.Load()), body=[statement], orelse=[])


class _ExpressionRewriter(ast.NodeTransformer):
    def __init__(self, owner: _Owner, ctx: _Context):
        self.owner = owner
        self.ctx = ctx

    def visit_Subscript(self, node: ast.Subscript):
        node = self.generic_visit(node)
        if not isinstance(node.ctx, ast.Load) or not isinstance(node.value, ast.Name):
            return node
        name = node.value.id
        if name in self.ctx.plain:
            return node
        site = self.owner.site(node, name, "read", self.ctx.function)
        ctx = self.ctx
        checked = ast.Call(
            func=_parse_expr("_pr.load"),
            args=[ast.Name(name, ast.Load()), _index_expr(node.slice), *ctx.tail(site)],
            keywords=[],
        )
        if name not in ctx.flags:
            return checked
        # an array that cannot race (read-only, overlapping nothing written) costs one branch
        return ast.IfExp(test=ast.Name(ctx.flags[name], ast.Load()), body=checked, orelse=node)

    def visit_Call(self, node: ast.Call):
        node = self.generic_visit(node)
        name = _call_name(node)
        if name == "get_thread_id":
            return _parse_expr(self.ctx.thread_id)
        if name == "get_num_threads":
            return ast.Constant(self.owner.threads)
        if isinstance(node.func, ast.Name) and node.func.id in self.owner.helper_names:
            clone = self.owner.helper(node.func.id)
            loop = (
                ast.Constant(self.ctx.loop_id)
                if isinstance(self.ctx.loop_id, int)
                else ast.Name(self.ctx.loop_id, ast.Load())
            )
            node.func = ast.Name(clone, ast.Load())
            node.args[:0] = [
                ast.Name("_pr_state", ast.Load()),
                ast.Name(self.ctx.shadow, ast.Load()),
                ast.Name(self.ctx.iteration, ast.Load()),
                loop,
            ]
            return node
        self._note_opaque(node)
        return node

    def _note_opaque(self, node: ast.Call):
        tracked = set(self.ctx.flags)
        if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            if node.func.value.id in tracked and node.func.attr in _MUTATING_METHODS:
                self._unchecked(node, node.func.value.id, f"method `{node.func.attr}`")
        for arg in node.args:
            if isinstance(arg, ast.Name) and arg.id in tracked:
                self._unchecked(node, arg.id, f"call to `{ast.unparse(node.func)}`")

    def _unchecked(self, node, array, what):
        line = getattr(node, "lineno", 0)
        self.owner.unchecked.append(
            {
                "line": line,
                "array": array,
                "reason": f"{what} receives `{array}` whole: its accesses are not checked",
                "text": self.owner.lines[line - 1].strip()
                if 0 < line <= len(self.owner.lines)
                else "",
            }
        )


class _SerialCalls(ast.NodeTransformer):
    """Outside prange loops: calls to same-file helpers that run prange loops go to their
    instrumented clones (the kernel that delegates its parallel loop is checked too)."""

    def __init__(self, owner: _Owner):
        self.owner = owner

    def visit_Call(self, node: ast.Call):
        node = self.generic_visit(node)
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in self.owner.helper_names and self.owner.has_prange(name):
            node.func = ast.Name(self.owner.serial_helper(name), ast.Load())
            node.args.insert(0, ast.Name("_pr_state", ast.Load()))
        return node


def _rewrite_target_indices(target, expressions: _ExpressionRewriter) -> None:
    """Loads inside a store's index (``out[idx[i]] = ...``) are reads too."""
    if isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            _rewrite_target_indices(element, expressions)
    elif isinstance(target, ast.Subscript):
        target.slice = expressions.visit(target.slice)


def _parse(code: str) -> list[ast.stmt]:
    return ast.parse(code).body


def _parse_expr(code: str) -> ast.expr:
    return ast.parse(code, mode="eval").body
