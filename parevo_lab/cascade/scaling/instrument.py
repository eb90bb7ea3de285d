"""The replays of a kernel the projection is made from: AST rewrites, compiled serially.

Every outermost ``prange`` loop of the kernel, and of every function its serial code calls that
runs one (a helper of the candidate's file, or a primitive of ``parevo_lab.primitives`` two
modules away), becomes a serial ``range`` loop. In the *timed* replay it reads the time-stamp
counter once per block of consecutive iterations (clock.py): the cost of each block of each
entry of each loop, the loop's entries (the parallel regions a real run forks and joins) and its
iteration counts. In the *traced* replay its element accesses go through footprint.py's set of
cache lines. The body is otherwise left as it is: a ``prange`` nested inside runs serially in
the real kernel too, and in an ``njit`` function without ``parallel`` it is a plain ``range``.

Both replays number the loops the same way (the order the rewrite meets them). A function is
cloned into a generated module of its own home module, whose globals it sees; clones in other
modules are reached through that module's generated twin. The timed rewrite adds one comparison
and one increment an iteration; its overhead is measured against the kernel and stated.
"""

from __future__ import annotations

import ast
import copy
import inspect
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..compile import is_prange
from .machines import MAX_THREADS

TIMED_STATE = ("_pt_costs", "_pt_entries")
TRACED_STATE = ("_pf_table", "_pf_used", "_pf_wtable", "_pf_wused", "_pf_out")


@dataclass
class TimedLoop:
    id: int
    line: int
    function: str  # as the report names it: `name` in the candidate's file, `module.name` else


@dataclass
class ModuleSource:
    """The clones of one home module's functions, to be compiled in that module's globals."""

    home: str  # the module's name
    functions: list[ast.FunctionDef] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # home modules whose clones it calls

    def alias(self, home: str) -> str:
        if home not in self.needs:
            self.needs.append(home)
        return f"_pt_twin_{self.needs.index(home)}"


@dataclass
class Replay:
    modules: dict[str, ModuleSource]  # by home module, callees before callers
    entry: str  # the entry function in the candidate's module
    loops: list[TimedLoop] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)  # parallel calls it could not follow
    sized_by_threads: bool = False  # it asked numba.get_num_threads(): REPLAY_THREADS given


def _dispatcher(value):
    from numba.core.registry import CPUDispatcher

    return value if isinstance(value, CPUDispatcher) else None


class Instrumenter:
    """``mode``: "timed" or "traced". ``module``: the candidate's imported module."""

    def __init__(self, module, mode: str):
        self.root = module.__name__
        self.mode = mode
        self.state = TIMED_STATE if mode == "timed" else TRACED_STATE
        self.loops: list[TimedLoop] = []
        self.opaque: list[str] = []
        self.modules: dict[str, ModuleSource] = {}
        self.trees: dict[str, dict[str, ast.FunctionDef]] = {}
        self.cloned: dict[tuple[str, str], str] = {}
        self.pranges: dict[tuple[str, str], bool] = {}  # has_prange, once per function
        self.sized_by_threads = False

    # ------------------------------------------------------------ what a call reaches

    def _functions(self, home: str) -> dict[str, ast.FunctionDef]:
        if home not in self.trees:
            module = sys.modules.get(home)
            try:
                text = Path(inspect.getsourcefile(module)).read_text(encoding="utf-8")
                tree = ast.parse(text)
            except (TypeError, OSError, SyntaxError, UnicodeDecodeError):
                self.trees[home] = {}
            else:
                self.trees[home] = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        return self.trees[home]

    def dispatcher(self, home: str, func: ast.expr):
        """The ``@njit`` function a call of ``func`` (``f`` or ``module.f``) from code of the
        module ``home`` reaches, or None."""
        module = sys.modules.get(home)
        parts = []
        node = func
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or module is None:
            return None
        value = vars(module).get(node.id)
        for part in reversed(parts):
            value = getattr(value, part, None)
        return _dispatcher(value)

    def target(self, home: str, func: ast.expr) -> tuple[str, str] | None:
        """(home module, function name) of the ``@njit`` function a call of ``func`` from
        ``home`` reaches, when its source is at hand; None otherwise."""
        dispatcher = self.dispatcher(home, func)
        if dispatcher is None:
            return None
        py_func = dispatcher.py_func
        callee_home = py_func.__module__
        if py_func.__name__ not in self._functions(callee_home):
            return None
        return callee_home, py_func.__name__

    def has_prange(self, key: tuple[str, str]) -> bool:
        """The function ``key`` runs a prange loop, itself or through a function it calls."""
        if key not in self.pranges:
            self.pranges[key] = False  # a recursion back here counts as none (rare in numba)
            self.pranges[key] = self._runs_prange(key)
        return self.pranges[key]

    def _runs_prange(self, key: tuple[str, str]) -> bool:
        func = self._functions(key[0]).get(key[1])
        if func is None:
            return False
        for node in ast.walk(func):
            if is_prange(node):
                return True
            if isinstance(node, ast.Call):
                callee = self.target(key[0], node.func)
                if callee and self.has_prange(callee):
                    return True
        return False

    # ------------------------------------------------------------ the rewrite

    def kernel(self, name: str) -> Replay:
        key = (self.root, name)
        if name not in self._functions(self.root):
            raise NotImplementedError(f"`{name}` is not a top-level def of the candidate")
        inner = self._clone(key)
        entry = inner
        if self.mode == "timed":
            wrapper = whole(self._functions(self.root)[name], inner, "_pt_run", self.state, "_pt")
            self.modules[self.root].functions.append(wrapper)
            entry = wrapper.name
        for source in self.modules.values():
            for func in source.functions:
                ast.fix_missing_locations(func)
        ordered: dict[str, ModuleSource] = {}

        def visit(home: str, path: tuple = ()) -> None:
            if home in ordered:
                return
            if home in path:
                raise NotImplementedError(f"modules that call each other's loops: {home}")
            for need in self.modules[home].needs:
                visit(need, (*path, home))
            ordered[home] = self.modules[home]

        visit(self.root)
        return Replay(
            modules=ordered, entry=entry, loops=self.loops, opaque=self.opaque,
            sized_by_threads=self.sized_by_threads,
        )  # fmt: skip

    def _clone(self, key: tuple[str, str]) -> str:
        if key in self.cloned:
            return self.cloned[key]
        home, name = key
        prefix = "_pt_timed_" if self.mode == "timed" else "_pf_traced_"
        clone_name = f"{prefix}{name}"
        self.cloned[key] = clone_name  # before the body: recursion ends here
        source = self.modules.setdefault(home, ModuleSource(home=home))
        func = copy.deepcopy(self._functions(home)[name])
        func.name = clone_name
        func.decorator_list = []
        func.args.args[:0] = [ast.arg(s) for s in self.state]
        label = name if home == self.root else f"{home.removeprefix('parevo_lab.')}.{name}"
        func.body = self._serial(func.body, home, label)
        source.functions.append(func)
        return clone_name

    def _serial(self, body: list[ast.stmt], home: str, label: str) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            if is_prange(stmt):
                out.extend(self._loop(stmt, label))
                continue
            for attr in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, attr, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    setattr(stmt, attr, self._serial(inner, home, label))
            if isinstance(stmt, ast.Try):
                for handler in stmt.handlers:
                    handler.body = self._serial(handler.body, home, label)
            out.append(_Calls(self, home).visit(stmt))
        return out

    def _loop(self, loop: ast.For, label: str) -> list[ast.stmt]:
        number = len(self.loops)
        self.loops.append(TimedLoop(id=number, line=loop.lineno, function=label))
        if self.mode == "timed":
            return _timed_loop(loop, number)
        return traced_loop(loop, number)


class _Calls(ast.NodeTransformer):
    """Calls from serial code to functions that run prange loops go to their clones (in this
    module, or in the generated twin of theirs); a parallel call it cannot follow is listed."""

    def __init__(self, owner: Instrumenter, home: str):
        self.owner = owner
        self.home = home

    def visit_Call(self, node: ast.Call):
        node = self.generic_visit(node)
        if _asks_threads(node):
            # work split by the thread count (one block a thread): the replay runs serially, so
            # it is given the most threads projected, and splits the work as finely as that
            self.owner.sized_by_threads = True
            return ast.copy_location(ast.Constant(REPLAY_THREADS), node)
        key = self.owner.target(self.home, node.func)
        if key is not None and self.owner.has_prange(key):
            clone = self.owner._clone(key)
            if key[0] == self.home:
                node.func = ast.Name(clone, ast.Load())
            else:
                twin = self.owner.modules.setdefault(self.home, ModuleSource(home=self.home))
                node.func = ast.Attribute(
                    ast.Name(twin.alias(key[0]), ast.Load()), clone, ast.Load()
                )
            node.args[:0] = [ast.Name(s, ast.Load()) for s in self.owner.state]
        elif key is None:
            dispatcher = self.owner.dispatcher(self.home, node.func)
            name = ast.unparse(node.func)
            parallel = dispatcher is not None and dispatcher.targetoptions.get("parallel")
            if parallel and name not in self.owner.opaque:
                self.owner.opaque.append(name)
        return node


REPLAY_THREADS = MAX_THREADS  # what numba.get_num_threads() answers in a replay


def _asks_threads(node: ast.Call) -> bool:
    """``numba.get_num_threads()`` (or an alias of numba, or the bare name)."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name == "get_num_threads" and not node.args


def _stmts(code: str) -> list[ast.stmt]:
    return ast.parse(code).body


def _timed_loop(loop: ast.For, number: int) -> list[ast.stmt]:
    k = f"_{number}"
    bounds = ", ".join(ast.unparse(a) for a in loop.iter.args)
    before = _stmts(
        f"_pt_iters{k} = len(range({bounds}))\n"
        f"_pt_block{k} = _pt.block_size(_pt_iters{k})\n"
        f"_pt_row{k} = _pt.enter(_pt_costs, _pt_entries, {number}, _pt_iters{k}, _pt_block{k})\n"
        f"_pt_count{k} = 0\n"
        f"_pt_next{k} = _pt_block{k}\n"
        f"_pt_start{k} = _pt.ticks()\n"
        f"_pt_last{k} = _pt_start{k}\n"
    )
    tick = _stmts(
        f"if _pt_count{k} == _pt_next{k}:\n"
        f"    _pt_now{k} = _pt.ticks()\n"
        f"    _pt.put(_pt_costs, _pt_entries, _pt_row{k}, _pt_now{k} - _pt_last{k})\n"
        f"    _pt_last{k} = _pt_now{k}\n"
        f"    _pt_next{k} += _pt_block{k}\n"
        f"_pt_count{k} += 1\n"
    )
    after = _stmts(
        f"_pt_end{k} = _pt.ticks()\n"
        f"if _pt_iters{k} > 0:\n"
        f"    _pt.put(_pt_costs, _pt_entries, _pt_row{k}, _pt_end{k} - _pt_last{k})\n"
        f"_pt.leave(_pt_entries, _pt_row{k}, _pt_end{k} - _pt_start{k})\n"
    )
    timed = ast.For(
        target=loop.target,
        iter=ast.Call(func=ast.Name("range", ast.Load()), args=loop.iter.args, keywords=[]),
        body=tick + loop.body,
        orelse=loop.orelse,
    )
    return [*before, timed, *after]


def whole(original: ast.FunctionDef, inner: str, prefix: str, state, clock: str):
    """``prefix_<name>(*state, params...)``: calls ``inner`` and stores its ticks from entry to
    return in ``entries[0, 3]`` (the kernel's whole time, measured inside the compiled code)."""
    args = original.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        raise NotImplementedError("a kernel with *args, **kwargs or keyword-only parameters")
    params = [a.arg for a in args.args]
    call = ", ".join([*state, *params])
    func = ast.parse(
        f"def {prefix}_{original.name}({', '.join([*state, *params])}):\n"
        f"    _pt_t0 = {clock}.ticks()\n"
        f"    _pt_result = {inner}({call})\n"
        f"    {state[1]}[0, 3] = {clock}.ticks() - _pt_t0\n"
        f"    return _pt_result\n"
    ).body[0]
    func.args.defaults = copy.deepcopy(args.defaults)
    return func


# ------------------------------------------------------------------ the traced loop (footprint.py)


class _Body(ast.NodeTransformer):
    """Element loads through ``_pf.load``; stores and updates marked before the statement."""

    def visit_Subscript(self, node: ast.Subscript):
        node = self.generic_visit(node)
        sliced = any(isinstance(n, ast.Slice) for n in ast.walk(node.slice))
        if isinstance(node.ctx, ast.Load) and isinstance(node.value, ast.Name) and not sliced:
            return ast.Call(
                func=ast.Attribute(ast.Name("_pf", ast.Load()), "load", ast.Load()),
                args=[node.value, node.slice, *(ast.Name(s, ast.Load()) for s in TRACED_STATE)],
                keywords=[],
            )
        return node

    def _marks(self, targets) -> list[ast.stmt]:
        out = []
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
            for element in elements:
                if (
                    isinstance(element, ast.Subscript)
                    and isinstance(element.value, ast.Name)
                    and not any(isinstance(n, ast.Slice) for n in ast.walk(element.slice))
                ):
                    index = self.visit(copy.deepcopy(element.slice))
                    element.slice = self.visit(element.slice)
                    call = ast.Call(
                        func=ast.Attribute(ast.Name("_pf", ast.Load()), "mark", ast.Load()),
                        args=[
                            ast.Name(element.value.id, ast.Load()),
                            index,
                            *(ast.Name(s, ast.Load()) for s in TRACED_STATE),
                        ],
                        keywords=[],
                    )
                    out.append(ast.Expr(call))
        return out

    def visit_Assign(self, node: ast.Assign):
        node.value = self.visit(node.value)
        return [*self._marks(node.targets), node]

    def visit_AugAssign(self, node: ast.AugAssign):
        node.value = self.visit(node.value)
        return [*self._marks([node.target]), node]


def traced_loop(loop: ast.For, number: int) -> list[ast.stmt]:
    """The loop, serial, its element accesses traced, and the entry closed after it."""
    traced = _Body()
    inner: list[ast.stmt] = []
    for stmt in loop.body:
        result = traced.visit(stmt)
        inner.extend(result if isinstance(result, list) else [result])
    serial = ast.For(
        target=loop.target,
        iter=ast.Call(ast.Name("range", ast.Load()), loop.iter.args, []),
        body=inner,
        orelse=loop.orelse,
    )
    close = f"_pf.close({', '.join(TRACED_STATE)}, {number})"
    return [serial, *ast.parse(close).body]
