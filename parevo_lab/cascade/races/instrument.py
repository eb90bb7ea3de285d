"""Build the instrumented replay of a kernel: an AST rewrite, compiled serially with numba.

In every ``prange`` body each subscript load, store and augmented store goes through
``shadow.record``/``shadow.load`` with its site and iteration; ``prange`` becomes ``range`` (the
replay is compiled without ``parallel``); arrays the loop can see are registered at loop entry;
``get_thread_id()``/``get_num_threads()`` are simulated with numba's static schedule; ``@njit``
helpers called from the body are instrumented the same way. Any other call that receives a
tracked array is listed as unchecked, never passed silently.

This module plans each loop and clones the functions; rewrite.py holds the transformers that
rewrite the accesses.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from ..compile import is_prange
from .rewrite import (
    _call_name,
    _Context,
    _ExpressionRewriter,
    _index_expr,
    _parse,
    _parse_expr,
    _rewrite_target_indices,
    _SerialCalls,
)


@dataclass
class Site:
    id: int
    line: int
    column: int
    text: str
    array: str
    access: str  # "read", "write", "update"
    function: str


@dataclass
class ReplaySource:
    """The generated module and what the report needs to read the replay's findings."""

    module: ast.Module
    entry: str  # name of the instrumented kernel
    helpers: list[str] = field(default_factory=list)  # names of instrumented helpers
    sites: list[Site] = field(default_factory=list)
    loops: list[dict] = field(default_factory=list)  # loop id -> line, variable
    unchecked: list[dict] = field(default_factory=list)  # calls the replay cannot see into

    @property
    def source(self) -> str:
        return ast.unparse(self.module)


def _names_assigned(body: list[ast.stmt]) -> set[str]:
    names = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names


def _subscripted(body: list[ast.stmt]) -> tuple[set[str], set[str]]:
    """Names subscripted in ``body``: (written, read)."""
    written, read = set(), set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                if isinstance(node.ctx, ast.Store):
                    written.add(node.value.id)
                else:
                    read.add(node.value.id)
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Subscript):
                if isinstance(node.target.value, ast.Name):
                    read.add(node.target.value.id)
    return written, read


def _owned_by_iteration(body: list[ast.stmt], name: str, var: str) -> bool:
    """Every use of ``name`` in the body is ``name[var]`` or ``name[var, ...]``: iteration
    ``var`` touches only its own row, so two iterations never meet there."""
    subscripted = set()
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                if node.value.id == name:
                    index = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) else node.slice
                    if not (isinstance(index, ast.Name) and index.id == var):
                        return False
                    subscripted.add(id(node.value))
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and node.id == name and id(node) not in subscripted:
                return False  # passed whole to a call, bound to another name, ...
    return True


class Instrumenter:
    def __init__(self, tree: ast.Module, source: str, helper_names: set[str], threads: int):
        self.tree = tree
        self.lines = source.splitlines()
        self.helper_names = helper_names  # @njit functions of the candidate's module
        self.threads = threads
        self.sites: list[Site] = []
        self.loops: list[dict] = []
        self.unchecked: list[dict] = []
        self.helpers_done: dict[str, ast.FunctionDef] = {}
        self.functions = {
            node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)
        }

    # ---------------------------------------------------------------- entry points

    def kernel(self, name: str) -> ReplaySource:
        original = self.functions[name]
        func = copy.deepcopy(original)
        func.decorator_list = []
        func.name = f"_pr_replay_{name}"
        func.args.args.insert(0, ast.arg("_pr_state"))  # first: defaults may follow
        func.body = self._rewrite_serial(func.body, name)
        module = ast.Module(body=[*self.helpers_done.values(), func], type_ignores=[])
        ast.fix_missing_locations(module)
        return ReplaySource(
            module=module,
            entry=func.name,
            helpers=list(self.helpers_done),
            sites=self.sites,
            loops=self.loops,
            unchecked=self.unchecked,
        )

    # ---------------------------------------------------------------- serial code around loops

    def _rewrite_serial(self, body: list[ast.stmt], function: str) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            if is_prange(stmt):
                out.extend(self._prange_loop(stmt, function))
                continue
            for attr in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, attr, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    setattr(stmt, attr, self._rewrite_serial(inner, function))
            if isinstance(stmt, ast.Try):
                for handler in stmt.handlers:
                    handler.body = self._rewrite_serial(handler.body, function)
            out.append(_SerialCalls(self).visit(stmt))
        return out

    def has_prange(self, name: str) -> bool:
        """``name`` (a function of this file) runs a prange loop, itself or through a helper."""
        return any(
            is_prange(node) for f in self.reachable(name) for node in ast.walk(self.functions[f])
        )

    def reachable(self, name: str) -> list[str]:
        """``name`` and the same-file helpers it calls, directly or not."""
        order, todo = [], [name]
        while todo:
            current = todo.pop()
            if current in order or current not in self.functions:
                continue
            order.append(current)
            todo += [
                node.func.id
                for node in ast.walk(self.functions[current])
                if isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in self.helper_names
            ]
        return order

    def serial_helper(self, name: str) -> str:
        """A helper called from serial code that runs prange loops: instrument its loops too."""
        clone_name = f"_pr_serial_{name}"
        if clone_name not in self.helpers_done:
            func = copy.deepcopy(self.functions[name])
            func.name = clone_name
            func.decorator_list = []
            self.helpers_done[clone_name] = func  # before the body: recursion ends here
            func.args.args.insert(0, ast.arg("_pr_state"))
            func.body = self._rewrite_serial(func.body, name)
        return clone_name

    def _prange_loop(self, loop: ast.For, function: str) -> list[ast.stmt]:
        loop_id = len(self.loops)
        if not isinstance(loop.target, ast.Name):
            raise NotImplementedError(f"line {loop.lineno}: prange loop target must be one name")
        var = loop.target.id
        self.loops.append({"id": loop_id, "line": loop.lineno, "variable": var})
        args = loop.iter.args
        lo = args[0] if len(args) >= 2 else ast.Constant(0)
        hi = args[1] if len(args) >= 2 else (args[0] if args else ast.Constant(0))
        tag = f"_{loop_id}"
        prologue = _parse(f"_pr_lo{tag} = 0\n_pr_hi{tag} = 0")
        prologue[0].value, prologue[1].value = lo, hi
        prologue += _parse(f"_pr.set_bounds(_pr_state, {loop_id}, _pr_lo{tag}, _pr_hi{tag})")

        local = _names_assigned(loop.body) | {var}
        written, read = _subscripted(loop.body)
        helper_args = self._arrays_passed_to_helpers(loop.body) - local
        registered = sorted(((written | read) - local) | helper_args)
        owned = {n for n in registered if n in written and _owned_by_iteration(loop.body, n, var)}
        owned -= helper_args
        flags = {}
        if registered:
            k = len(registered)
            prologue += _parse(
                f"_pr_ext{tag} = _pr_np.zeros(({k}, 3), _pr_np.int64)\n"
                f"_pr_w{tag} = _pr_np.zeros({k}, _pr_np.bool_)\n"
                f"_pr_o{tag} = _pr_np.zeros({k}, _pr_np.bool_)"
            )
            for j, name in enumerate(registered):
                prologue += _parse(
                    f"_pr_ext{tag}[{j}, 0], _pr_ext{tag}[{j}, 1], _pr_ext{tag}[{j}, 2] = "
                    f"_pr.extent({name})"
                )
                if name in written or name in helper_args:
                    prologue += _parse(f"_pr_w{tag}[{j}] = True")
                if name in owned:
                    prologue += _parse(f"_pr_o{tag}[{j}] = True")
        else:
            prologue += _parse(
                f"_pr_ext{tag} = _pr_np.zeros((0, 3), _pr_np.int64)\n"
                f"_pr_w{tag} = _pr_np.zeros(0, _pr_np.bool_)\n"
                f"_pr_o{tag} = _pr_np.zeros(0, _pr_np.bool_)"
            )
        prologue += _parse(
            f"_pr_sh{tag}, _pr_trk{tag}, _pr_fast{tag} = "
            f"_pr.begin(_pr_ext{tag}, _pr_w{tag}, _pr_o{tag})"
        )
        for j, name in enumerate(registered):
            flag = f"_pr_t{j}{tag}"
            prologue += _parse(f"{flag} = _pr_trk{tag}[{j}]")
            flags[name] = flag
        uses_thread_id = any(
            isinstance(n, ast.Call) and _call_name(n) == "get_thread_id"
            for stmt in loop.body
            for n in ast.walk(stmt)
        )
        label = (
            f"_pr.chunk_of({var}, _pr_lo{tag}, _pr_hi{tag}, {self.threads})"
            if uses_thread_id
            else var
        )

        def instrumented(flags: dict[str, str], plain: set[str]) -> ast.For:
            context = _Context(
                loop_id=loop_id,
                shadow=f"_pr_sh{tag}",
                iteration="_pr_it",
                flags=flags,
                function=function,
                thread_id=f"_pr.chunk_of({var}, _pr_lo{tag}, _pr_hi{tag}, {self.threads})",
                plain=plain,
            )
            copy_of_loop = copy.deepcopy(loop)
            copy_of_loop.iter = _parse_expr(f"range(_pr_lo{tag}, _pr_hi{tag})")
            copy_of_loop.body = _parse(f"_pr_it = {label}") + self._rewrite_body(
                copy_of_loop.body, context
            )
            return copy_of_loop

        written_here = written | helper_args
        plain = {name for name in registered if name not in written_here} | owned
        if not plain:
            return [*prologue, instrumented(flags, set())]
        # Unswitched: in the usual case no read-only input overlaps a written array and no array
        # whose rows the iterations own overlaps anything, so the loop that runs records only the
        # other written arrays; the fully checked version runs under aliasing.
        fast = instrumented({}, plain)
        return [
            *prologue,
            ast.If(
                test=ast.Name(f"_pr_fast{tag}", ast.Load()),
                body=[fast],
                orelse=[instrumented(flags, set())],
            ),
        ]

    def _arrays_passed_to_helpers(self, body) -> set[str]:
        names = set()
        for stmt in body:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                    if node.func.id in self.helper_names:
                        names |= {a.id for a in node.args if isinstance(a, ast.Name)}
        return names

    # ---------------------------------------------------------------- loop bodies

    def _rewrite_body(self, body: list[ast.stmt], ctx: _Context) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            out.extend(self._statement(stmt, ctx))
        return out

    def _statement(self, stmt: ast.stmt, ctx: _Context) -> list[ast.stmt]:
        expressions = _ExpressionRewriter(self, ctx)
        if isinstance(stmt, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            before = []
            for target in targets:
                before += self._store_records(target, ctx, isinstance(stmt, ast.AugAssign))
            if stmt.value is not None:
                stmt.value = expressions.visit(stmt.value)
            for target in targets:
                _rewrite_target_indices(target, expressions)
            return [*before, stmt]
        if isinstance(stmt, ast.For | ast.While | ast.If):
            if isinstance(stmt, ast.For):
                stmt.iter = expressions.visit(stmt.iter)
            else:
                stmt.test = expressions.visit(stmt.test)
            stmt.body = self._rewrite_body(stmt.body, ctx)
            stmt.orelse = self._rewrite_body(stmt.orelse, ctx)
            return [stmt]
        return [expressions.visit(stmt)]

    def _store_records(self, target, ctx: _Context, augmented: bool) -> list[ast.stmt]:
        if isinstance(target, ast.Tuple | ast.List):
            out = []
            for element in target.elts:
                out += self._store_records(element, ctx, augmented)
            return out
        if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)):
            return []
        name = target.value.id
        if name in ctx.plain:
            return []
        site = self.site(target, name, "update" if augmented else "write", ctx.function)
        index = _ExpressionRewriter(self, ctx).visit(_index_expr(copy.deepcopy(target.slice)))
        call = ast.Call(
            func=_parse_expr("_pr.record"),
            args=[
                ast.Name(name, ast.Load()),
                index,
                *ctx.tail(site),
                ast.Constant(augmented),
                ast.Constant(True),
            ],
            keywords=[],
        )
        return [ctx.guard(name, ast.Expr(call))]

    def site(self, node: ast.AST, array: str, access: str, function: str) -> int:
        line = getattr(node, "lineno", 0)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        self.sites.append(
            Site(
                id=len(self.sites),
                line=line,
                column=getattr(node, "col_offset", 0),
                text=text,
                array=array,
                access=access,
                function=function,
            )
        )
        return len(self.sites) - 1

    # ---------------------------------------------------------------- helpers

    def helper(self, name: str) -> str:
        """The instrumented clone of helper ``name`` (made once)."""
        clone_name = f"_pr_helper_{name}"
        if clone_name in self.helpers_done:
            return clone_name
        original = self.functions.get(name)
        if original is None:
            raise NotImplementedError(f"helper `{name}` is not defined in the candidate's file")
        func = copy.deepcopy(original)
        func.name = clone_name
        func.decorator_list = []
        self.helpers_done[clone_name] = func  # before the body: recursion ends here
        extras = [ast.arg(extra) for extra in ("_pr_state", "_pr_sh", "_pr_it", "_pr_loop")]
        func.args.args[:0] = extras
        ctx = _Context(
            loop_id="_pr_loop",
            shadow="_pr_sh",
            iteration="_pr_it",
            flags={},
            function=name,
            thread_id="_pr_it",
        )
        func.body = self._rewrite_body(func.body, ctx)
        return clone_name
