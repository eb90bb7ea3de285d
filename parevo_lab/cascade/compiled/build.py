"""The analysis builds: the candidate's function moved down by ``OFFSET`` lines and compiled with
line tables while the remarks are caught; the gufunc of each parfor found and analysed; the
reference's loops; and the check against the candidate's own build."""

from __future__ import annotations

import time
import types
import warnings

from ...results import CompiledLoop, CompiledView
from . import remarks as llvm_remarks
from .asm import OFFSET, user_line
from .findings import loop_summary
from .loops import Library, analyse_library, innermost_loop, source_loops

GUFUNC_PREFIX = "__numba_parfor_gufunc_"


def shifted(py_func):
    """``py_func`` with every line number moved down by ``OFFSET`` (same code, same globals).
    Its file is a name of its own whose lines, for numba's messages that quote a line, are the
    source's moved down by as many blank lines."""
    import linecache

    code = py_func.__code__
    name = f"<parevo compiled view of {code.co_filename}>"
    if name not in linecache.cache:
        lines = linecache.getlines(code.co_filename)
        linecache.cache[name] = (0, None, [""] * OFFSET + lines, name)
    moved = types.FunctionType(
        code.replace(co_firstlineno=code.co_firstlineno + OFFSET, co_filename=name),
        py_func.__globals__,
        py_func.__name__,
        py_func.__defaults__,
        py_func.__closure__,
    )
    moved.__kwdefaults__ = py_func.__kwdefaults__
    moved.__qualname__ = py_func.__qualname__
    moved.__module__ = py_func.__module__
    return moved


def _libraries(library) -> list:
    found, todo, seen = [], [library], set()
    while todo:
        item = todo.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        found.append(item)
        todo.extend(getattr(item, "_linking_libraries", []))
    return found


def _gufuncs(compiled) -> dict[str, int]:
    """gufunc library name -> the line of the parfor it runs (the analysis build's numbering)."""
    from numba.parfors.parfor import Parfor

    try:
        diagnostics = compiled.metadata["parfor_diagnostics"]
        blocks = diagnostics.func_ir.blocks.values()
    except (KeyError, AttributeError, TypeError):
        return {}
    found = {}
    for block in blocks:
        for statement in block.body:
            if isinstance(statement, Parfor):
                name = GUFUNC_PREFIX + hex(hash(statement)).replace("-", "_")
                found[name] = statement.loc.line
    return found


def _body_symbol(library) -> str | None:
    """The gufunc's own function (not its CPython or cfunc wrappers)."""
    for function in library._final_module.functions:
        name = function.name
        if not function.is_declaration and GUFUNC_PREFIX in name and name.startswith("_ZN"):
            if not name.startswith("_ZN7cpython"):
                return name
    return None


def _compile(py_func, options: dict, args: tuple, parallel: bool):
    import numba

    chosen = {k: v for k, v in options.items() if k not in ("cache", "parallel")}
    chosen.update(debug=True, _dbg_extend_lifetimes=False, parallel=parallel)
    chosen.setdefault("boundscheck", False)
    dispatcher = numba.njit(**chosen)(shifted(py_func))
    signature = tuple(numba.typeof(a) for a in args)
    with warnings.catch_warnings(), llvm_remarks.capture() as captured:
        warnings.simplefilter("ignore")
        dispatcher.compile(signature)
    return dispatcher.overloads[dispatcher.signatures[0]], captured


def analyse_parallel(py_func, options: dict, args: tuple, source: str) -> CompiledView:
    """The analysis build of a parallel kernel: one CompiledLoop per innermost loop of every
    gufunc numba made."""
    started = time.perf_counter()
    result = CompiledView(status="analysed")
    compiled, captured = _compile(py_func, options, args, parallel=True)
    result.remarks = "llvm" if captured is not None else "ir_patterns"
    if captured is None:
        result.notes.append(
            "LLVM's remarks could not be read with this numba: findings come from the IR alone"
        )
    lines = dict(enumerate(source.splitlines(), start=1))
    loops = source_loops(source, py_func.__name__)
    gufuncs = _gufuncs(compiled)
    for library in _libraries(compiled.library):
        if library.name not in gufuncs:
            continue
        symbol = _body_symbol(library)
        if symbol is None:
            continue
        line = user_line(gufuncs.pop(library.name))
        texts = None if captured is None else captured.get(library.name, [])
        lib = Library(library, symbol, texts, lines)
        found = analyse_library(lib, lines, loops, line, py_func.__name__, "parallel")
        holder = innermost_loop(line, loops) if line else None
        for loop in found:
            loop.origin = (
                "prange"
                if holder and holder[2] and loop.line == line
                else ("loop" if holder else "array_expression")
            )
        result.loops.extend(found)
    covered = {loop.prange_line for loop in result.loops}
    missing = [loop for loop in loops if loop[2] and loop[0] not in covered]
    if missing:  # prange loops numba ran serially: no gufunc, their code is in the kernel's own
        texts = None if captured is None else captured.get(compiled.library.name, [])
        own = Library(compiled.library, compiled.fndesc.mangled_name, texts, lines)
        for loop in analyse_library(own, lines, loops, None, py_func.__name__, "serialised"):
            holder = next((m for m in missing if m[0] <= loop.line <= m[1]), None)
            if holder is not None:
                loop.prange_line, loop.origin = (
                    holder[0],
                    "prange" if loop.line == holder[0] else "loop",
                )
                result.loops.append(loop)
    result.loops.sort(key=lambda c: (c.prange_line or 0, c.line))
    for loop in result.loops:  # once each loop's role, origin and parallel loop are known
        loop.summary = loop_summary(loop)
    result.hoisted = _hoisted(compiled)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def analyse_serial(py_func, args: tuple, source: str) -> list[CompiledLoop]:
    """The innermost loops of a serial function (the task's reference), compiled with numba."""
    compiled, captured = _compile(py_func, {}, args, parallel=False)
    symbol = compiled.fndesc.mangled_name
    library = compiled.library
    lines = dict(enumerate(source.splitlines(), start=1))
    loops = source_loops(source, py_func.__name__)
    texts = None if captured is None else [t for ts in captured.values() for t in ts]
    lib = Library(library, symbol, texts, lines)
    found = analyse_library(lib, lines, loops, None, py_func.__name__, "serial")
    for loop in found:
        loop.summary = loop_summary(loop)
    return found


def _hoisted(compiled) -> list[str]:
    """What numba's parallel pass moved out of the loops, in its own words (one line each)."""
    try:
        diagnostics = compiled.metadata["parfor_diagnostics"]
        hoisted = diagnostics.hoist_info
    except (KeyError, AttributeError, TypeError):
        return []
    out = []
    for _, info in sorted(hoisted.items()):
        for statement in info.get("hoisted", []):
            line = user_line(getattr(getattr(statement, "loc", None), "line", None))
            target = getattr(getattr(statement, "target", None), "name", "")
            if target and not target.startswith("$"):
                out.append(f"line {line}: `{target}` computed once, before the loop")
    return out


def compare_real(real_compiled, result: CompiledView) -> None:
    """Check the analysis build against the candidate's own library (a cold compile): each
    parallel loop vectorised in one and not the other is noted."""
    gufuncs = _gufuncs(real_compiled)
    real: dict[int, bool] = {}
    for library in _libraries(real_compiled.library):
        if library.name in gufuncs:
            symbol = _body_symbol(library)
            if symbol is None:
                continue
            text = str(library._final_module.get_function(symbol))
            line = gufuncs[library.name]
            real[line] = real.get(line, False) or "vector.body" in text
    ours: dict[int, bool] = {}
    for loop in result.loops:
        if loop.role == "parallel" and loop.prange_line is not None and loop.status != "no_loop":
            key = loop.prange_line
            ours[key] = ours.get(key, False) or loop.status == "vectorised"
    differ = [line for line in ours if line in real and real[line] != ours[line]]
    result.consistent = not differ
    for line in differ:
        result.notes.append(
            f"line {line}: the candidate's own build was {'' if real[line] else 'not '}"
            "vectorised, unlike the build with line tables this view comes from"
        )
