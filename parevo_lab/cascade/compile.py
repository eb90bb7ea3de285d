"""Compile stage (runs in the sandboxed child): numba parallel=True, errors mapped to lines,
warnings, and which prange loops numba made parallel with which reductions."""

from __future__ import annotations

import ast
import json
import re
import time
import warnings
from pathlib import Path

from ..results import CompileError, CompileResult, CompileWarning, ParallelLoop, SourceSite

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_FILE_LINE = re.compile(r'File "([^"]+)", line (\d+)')


def load_function(module, name: str):
    """Return (py_func, jit options) for ``module.name``: a numba dispatcher or a plain function."""
    from numba.core.registry import CPUDispatcher

    obj = getattr(module, name, None)
    if obj is None:
        raise LookupError(f"no function `{name}` in the candidate")
    if isinstance(obj, CPUDispatcher):
        options = {k: v for k, v in obj.targetoptions.items() if k not in ("nopython", "cache")}
        return obj.py_func, options
    if callable(obj) and hasattr(obj, "__code__"):
        return obj, {"parallel": True}
    raise LookupError(
        f"`{name}` is a {type(obj).__name__}, not a function: "
        "define it with def and @numba.njit(parallel=True)"
    )


# numba options that change the code a function compiles to, not whether it runs in parallel
_NOT_CODEGEN = ("parallel", "nogil", "cache", "nopython", "boundscheck", "forceobj")


def codegen_flags(options: dict) -> dict:
    """The jit options that change a function's code generation (``fastmath``, ``error_model``,
    ``inline``, ...): what the serial reference is also compiled with (so the headline speedup
    splits into what the flags give and what the threads give), and what the projection's serial
    replays of a function keep."""
    return {k: v for k, v in options.items() if k not in _NOT_CODEGEN}


def arity_problem(
    py_func, name: str, given: int, reference_names: list[str]
) -> CompileError | None:
    """The kernel cannot take the arguments make_inputs gives: say so before numba does."""
    import inspect

    try:
        signature = inspect.signature(py_func)
        signature.bind(*range(given))
    except TypeError:
        pass
    except ValueError:
        return None
    else:
        return None
    wanted = f"reference({', '.join(reference_names)})" if reference_names else f"{given} arguments"
    return CompileError(
        kind="signature",
        summary=f"`{name}{signature}` cannot be called with the {given} argument(s) that "
        f"make_inputs returns: give it the reference's signature, {wanted}",
    )


def jit(py_func, options: dict, cache: bool = True):
    import numba

    return numba.njit(**options, cache=cache)(py_func)


def signature_of(args):
    import numba

    return tuple(numba.typeof(a) for a in args)


def compile_dispatcher(dispatcher, args, source_path: Path, source: str) -> CompileResult:
    """Compile for the argument types of ``args``; never raises for a bad candidate."""
    sig = signature_of(args)
    parallel = bool(dispatcher.targetoptions.get("parallel"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        try:
            dispatcher.compile(sig)
        except Exception as exc:  # numba's errors, and its internal AssertionErrors
            return CompileResult(
                ok=False,
                seconds=time.perf_counter() - start,
                signature=_sig_text(sig),
                parallel=parallel,
                error=map_compile_error(exc, source_path, source),
                warnings=_warnings(caught, source_path),
            )
        seconds = time.perf_counter() - start
    cached = bool(dispatcher.stats.cache_hits)
    result = CompileResult(
        ok=True,
        seconds=seconds,
        cached=cached,
        signature=_sig_text(sig),
        parallel=parallel,
        warnings=_warnings(caught, source_path),
    )
    sidecar = source_path.with_suffix(f".{dispatcher.py_func.__name__}.diagnostics.json")
    if cached and sidecar.exists():
        # numba keeps no parfor metadata for cache hits: use what the cold compile saw.
        saved = json.loads(sidecar.read_text()).get(result.signature, {})
        result.loops = [ParallelLoop(**loop) for loop in saved.get("loops", [])]
        result.warnings = [CompileWarning(**w) for w in saved.get("warnings", [])]
        result.variables = saved.get("variables", {})
    else:
        result.loops = parallel_loops(dispatcher, source, source_path)
        result.variables = variable_types(dispatcher, sig)
        if not cached:
            try:
                saved = json.loads(sidecar.read_text()) if sidecar.exists() else {}
                saved[result.signature] = {
                    "loops": [loop.to_dict() for loop in result.loops],
                    "warnings": [w.to_dict() for w in result.warnings],
                    "variables": result.variables,
                }
                sidecar.write_text(json.dumps(saved))
            except OSError:
                pass
    calls = [] if parallel else parallel_callees(dispatcher)
    if calls:
        result.notes.append(
            "compiled without parallel=True, but it calls parallel code ("
            + ", ".join(calls)
            + "), whose loops run on the threads"
        )
    elif not parallel:
        result.notes.append("compiled without parallel=True: the candidate runs on one thread")
    elif result.loops and not any(
        loop.status in ("parallel", "fused", "unknown") for loop in result.loops
    ):
        result.notes.append("no loop became parallel: use numba.prange for the outer loop")
    return result


def parallel_callees(dispatcher) -> list[str]:
    """The ``parallel=True`` functions the kernel names in its body (``helper(...)`` or
    ``P.core_numbers(...)``, a module's attribute): the threads a kernel compiled without
    ``parallel=True`` still uses."""
    import types

    code, space = dispatcher.py_func.__code__, dispatcher.py_func.__globals__
    found = []
    for name in code.co_names:
        value = space.get(name)
        if isinstance(value, types.ModuleType):
            pairs = [(f"{name}.{a}", getattr(value, a, None)) for a in code.co_names]
        else:
            pairs = [(name, value)]
        for label, target in pairs:
            options = getattr(target, "targetoptions", None)
            if isinstance(options, dict) and options.get("parallel") and label not in found:
                found.append(label)
    return found


def variable_types(dispatcher, sig) -> dict[str, str]:
    """numba's type of each named local of the kernel (``{"total": "float64", ...}``).

    numba types every SSA version of a variable apart (``s`` may be ``Literal[int](0)`` and
    ``s.1`` ``float64``): the last non-literal version is the type the variable settles on.
    Generators read this to allocate buffers of the right dtype."""
    try:
        typemap = dispatcher.overloads[sig].type_annotation.typemap
    except (AttributeError, KeyError):
        return {}
    found: dict[str, tuple[int, str]] = {}
    for name, numba_type in typemap.items():
        if name.startswith(("$", "arg.")):
            continue
        base, _, version = name.partition(".")
        if not base.isidentifier():
            continue
        text = str(numba_type)
        if text.startswith("Literal["):
            literal = getattr(numba_type, "literal_type", None)
            text, rank = (str(literal) if literal is not None else text), -1
        else:
            rank = int(version) if version.isdigit() else 0
        if base not in found or rank >= found[base][0]:
            found[base] = (rank, text)
    return {name: text for name, (_, text) in sorted(found.items())}


def _sig_text(sig) -> str:
    return "(" + ", ".join(str(t) for t in sig) + ")"


def _warnings(caught, source_path: Path) -> list[CompileWarning]:
    out = []
    for w in caught:
        category = w.category.__name__
        if category in ("DeprecationWarning", "PendingDeprecationWarning"):
            continue
        message = _ANSI.sub("", str(w.message)).strip()
        line = w.lineno if w.filename and Path(w.filename).name == source_path.name else None
        if line is None:  # numba warns from its own files and names the candidate's line inside
            line = next(
                (
                    int(n)
                    for f, n in _FILE_LINE.findall(message)
                    if Path(f).name == source_path.name
                ),
                None,
            )
        out.append(CompileWarning(category=category, message=message, line=line))
    return out


def map_compile_error(exc: BaseException, source_path: Path, source: str) -> CompileError:
    """Turn a numba exception into a one-line summary, the candidate's line, and the full text."""
    from numba.core import errors

    text = _ANSI.sub("", str(exc))
    lines = source.splitlines()
    line = None
    loc = getattr(exc, "loc", None)
    if loc is not None and Path(str(getattr(loc, "filename", ""))).name == source_path.name:
        line = getattr(loc, "line", None)
    if line is None:
        for filename, number in _FILE_LINE.findall(text):
            if Path(filename).name == source_path.name:
                line = int(number)
                break
    if isinstance(exc, errors.TypingError):
        kind = "typing"
    elif isinstance(exc, errors.LoweringError):
        kind = "lowering"
    elif isinstance(exc, errors.UnsupportedError):
        kind = "unsupported"
    elif isinstance(exc, errors.NumbaError):
        kind = "numba"
    else:
        kind = "internal"
    summary = _first_meaningful_line(text) or type(exc).__name__
    if kind == "internal":
        summary = (
            f"numba failed internally ({type(exc).__name__}: {summary}); "
            "this is usually a numba bug triggered by an unusual code shape: restructure the loop"
        )
    if line:
        summary = f"line {line}: {summary}"
    site = None
    if line and 0 < line <= len(lines):
        site = SourceSite(line=line, text=lines[line - 1], column=getattr(loc, "col", None))
    return CompileError(
        kind=kind, summary=summary[:400], site=site, full_text=f"{type(exc).__name__}: {text}"
    )


def _first_meaningful_line(text: str) -> str:
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("Failed in ", "File ", "During:", "<source elided>")):
            continue
        return line
    return ""


# -------------------------------------------------------------------- parallel loop diagnostics


def same_file_jits(module, path: Path, tree: ast.Module) -> set[str]:
    """The @njit functions defined in ``path`` itself (the module's own helpers, not imports):
    the race replay and the timed replay instrument them."""
    from numba.core.registry import CPUDispatcher

    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    return {
        name
        for name in defined
        if isinstance(getattr(module, name, None), CPUDispatcher)
        and getattr(module, name).py_func.__code__.co_filename == str(path)
    }


def is_prange(node) -> bool:
    """``for ... in prange(...)``, ``numba.prange`` or any alias ending in ``prange``."""
    if not isinstance(node, ast.For) or not isinstance(node.iter, ast.Call):
        return False
    func = node.iter.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name == "prange"


def prange_loops(source: str) -> list[tuple[int, int | None]]:
    """(line, enclosing prange line or None) for each ``for ... in prange(...)`` in the source."""
    tree = ast.parse(source)
    found: list[tuple[int, int | None]] = []

    def visit(node, outer):
        for child in ast.iter_child_nodes(node):
            if is_prange(child):
                found.append((child.lineno, outer))
                visit(child, outer if outer is not None else child.lineno)
            else:
                visit(child, outer)

    visit(tree, None)
    return found


def _enclosing_functions(source: str) -> dict[int, str]:
    """The name of the top-level function around each line of the source."""
    owners = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            for line in range(node.lineno, (node.end_lineno or node.lineno) + 1):
                owners[line] = node.name
    return owners


def _same_file_dispatchers(dispatcher) -> dict:
    """The kernel and every numba function of its module, by name (helpers the kernel calls
    are compiled with it, so their loop diagnostics exist once the kernel is compiled)."""
    module = dispatcher.py_func.__module__
    found = {dispatcher.py_func.__name__: dispatcher}
    for value in dispatcher.py_func.__globals__.values():
        py_func = getattr(value, "py_func", None)
        if py_func is not None and getattr(py_func, "__module__", None) == module:
            found.setdefault(py_func.__name__, value)
    return found


def _diagnostics(dispatcher):
    """(initial parfor lines, final parfors, fused-into) of a compiled dispatcher, or None when
    numba kept none (a cache hit)."""
    try:
        metadata = dispatcher.get_metadata(dispatcher.signatures[0])
        diagnostics = metadata["parfor_diagnostics"]
        final = {p.id: p for p in diagnostics.get_parfors()}
        initial = {p.id: p.loc.line for p in diagnostics.initial_parfors}
        fused_into = {
            member: owner
            for owner, members in diagnostics.fusion_info.items()
            for member in members
        }
    except (KeyError, AttributeError, IndexError, TypeError):
        return None
    return initial, final, fused_into


def parallel_loops(dispatcher, source: str, source_path: Path) -> list[ParallelLoop]:
    """The fate of every prange loop of the candidate's file: in the kernel, or in the same-file
    helpers it calls (a helper compiled with parallel=True runs its loops in parallel too)."""
    owners = _enclosing_functions(source)
    functions = _same_file_dispatchers(dispatcher)
    tables: dict = {}
    result = []
    for line, outer in prange_loops(source):
        name = owners.get(line, "")
        function = functions.get(name)
        if outer is not None:
            result.append(
                ParallelLoop(
                    line=line,
                    status="serialised",
                    detail=f"nested inside the prange loop at line {outer}: numba runs inner "
                    "prange loops serially",
                )
            )
            continue
        if function is None or not function.signatures:
            result.append(
                ParallelLoop(
                    line=line,
                    status="not_parallel",
                    detail=f"in `{name}`, which the kernel never compiles (not called, or not "
                    "a numba function)",
                )
            )
            continue
        if not function.targetoptions.get("parallel"):
            result.append(
                ParallelLoop(
                    line=line,
                    status="not_parallel",
                    detail=f"in `{name}`, compiled without parallel=True: the loop runs serially",
                )
            )
            continue
        if name not in tables:
            tables[name] = _diagnostics(function)  # once per function, not per loop
        table = tables[name]
        if table is None:
            result.append(
                ParallelLoop(
                    line=line,
                    status="unknown",
                    detail="loaded from numba's cache, which keeps no loop diagnostics",
                )
            )
            continue
        result.append(_loop_fate(line, *table))
    return result


def _loop_fate(line, initial, final, fused_into) -> ParallelLoop:
    ids = [pid for pid, pline in initial.items() if pline == line]
    survivor = next((pid for pid in ids if pid in final), None)
    if survivor is not None:
        return ParallelLoop(
            line=line, status="parallel", reductions=_clean_names(final[survivor].redvars)
        )
    if any(pid in fused_into for pid in ids):
        owner = fused_into[next(pid for pid in ids if pid in fused_into)]
        return ParallelLoop(
            line=line,
            status="fused",
            detail=f"fused with the parallel loop at line {initial.get(owner)}",
            reductions=_clean_names(final[owner].redvars) if owner in final else [],
        )
    return ParallelLoop(
        line=line,
        status="not_parallel",
        detail="numba did not turn this loop into a parallel region",
    )


def _clean_names(names) -> list[str]:
    out = []
    for name in names:
        base = str(name).lstrip("$").split(".")[0]
        if base and base not in out:
            out.append(base)
    return out
