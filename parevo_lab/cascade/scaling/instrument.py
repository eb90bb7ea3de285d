"""The timed replay of a kernel: an AST rewrite, compiled serially with numba.

Every outermost ``prange`` loop of the kernel (and of the same-file helpers its serial code
calls) becomes a serial ``range`` loop that reads the time-stamp counter once per block of
consecutive iterations (clock.py): the cost of each block of each entry of each loop, the loop's
entries (the parallel regions a real run forks and joins) and its iteration counts. The body is
left as it is: a ``prange`` nested inside runs serially in the real kernel too, and in an
``njit`` function without ``parallel`` it is a plain ``range``. The rewrite adds one comparison
and one increment an iteration; the overhead is measured against the uninstrumented serial run
and stated.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field

from ..compile import is_prange

STATE = ("_pt_costs", "_pt_entries")


@dataclass
class TimedLoop:
    id: int
    line: int
    function: str  # the function of the candidate's file it is in


@dataclass
class TimedSource:
    module: ast.Module
    entry: str
    loops: list[TimedLoop] = field(default_factory=list)
    opaque: list[str] = field(default_factory=list)  # parallel functions called, not followed

    @property
    def source(self) -> str:
        return ast.unparse(self.module)


def _stmts(code: str) -> list[ast.stmt]:
    return ast.parse(code).body


class TimingInstrumenter:
    """Clones the kernel and the helpers it calls from serial code; ``parallel_names`` are the
    names of the candidate's globals that are ``parallel=True`` functions (a call to one that is
    not in the candidate's file is a parallel region the replay cannot see into)."""

    def __init__(self, tree: ast.Module, helper_names: set[str], parallel_names: set[str]):
        self.functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        self.helper_names = helper_names
        self.parallel_names = parallel_names
        self.loops: list[TimedLoop] = []
        self.opaque: list[str] = []
        self.done: dict[str, ast.FunctionDef] = {}

    def kernel(self, name: str) -> TimedSource:
        timed = self._clone(name)
        wrapper = whole(self.functions[name], timed, "_pt_run", STATE, "_pt")
        module = ast.Module(body=[*self.done.values(), wrapper], type_ignores=[])
        ast.fix_missing_locations(module)
        return TimedSource(module=module, entry=wrapper.name, loops=self.loops, opaque=self.opaque)

    def has_prange(self, name: str, seen: frozenset = frozenset()) -> bool:
        func = self.functions.get(name)
        if func is None or name in seen:
            return False
        for node in ast.walk(func):
            if is_prange(node):
                return True
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                callee = node.func.id
                if callee in self.helper_names and self.has_prange(callee, seen | {name}):
                    return True
        return False

    def _clone(self, name: str) -> str:
        clone_name = f"_pt_timed_{name}"
        if clone_name not in self.done:
            func = copy.deepcopy(self.functions[name])
            func.name = clone_name
            func.decorator_list = []
            self.done[clone_name] = func  # before the body: recursion ends here
            func.args.args[:0] = [ast.arg(s) for s in STATE]
            func.body = self._serial(func.body, name)
        return clone_name

    def _serial(self, body: list[ast.stmt], function: str) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            if is_prange(stmt):
                out.extend(self._loop(stmt, function))
                continue
            for attr in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, attr, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    setattr(stmt, attr, self._serial(inner, function))
            if isinstance(stmt, ast.Try):
                for handler in stmt.handlers:
                    handler.body = self._serial(handler.body, function)
            out.append(_Calls(self).visit(stmt))
        return out

    def _loop(self, loop: ast.For, function: str) -> list[ast.stmt]:
        number = len(self.loops)
        self.loops.append(TimedLoop(id=number, line=loop.lineno, function=function))
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


class _Calls(ast.NodeTransformer):
    """Calls from serial code to same-file helpers that run prange loops go to their timed
    clones; calls to other parallel functions are listed (their regions are counted serial)."""

    def __init__(self, owner: TimingInstrumenter):
        self.owner = owner

    def visit_Call(self, node: ast.Call):
        node = self.generic_visit(node)
        name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
        if name in self.owner.helper_names and self.owner.has_prange(name):
            node.func = ast.Name(self.owner._clone(name), ast.Load())
            node.args[:0] = [ast.Name(s, ast.Load()) for s in STATE]
        elif name in self.owner.parallel_names and name not in self.owner.opaque:
            self.owner.opaque.append(name)
        return node
