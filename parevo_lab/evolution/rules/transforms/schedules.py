"""How a prange loop's iterations are dealt to threads besides numba's static split of the
range: CSR rows cut into runs of equal edges (``balanced_runs``, the ``balance`` knob),
iterations dealt out cyclically (``interleaved``, the ``interleave`` knob) and chunks handed to
whichever thread is free (``dynamic``, the ``dynamic`` knob)."""

from __future__ import annotations

import ast
import copy

from .codegen import _prange_header, _stmts


def row_pointer(loop: ast.For) -> str | None:
    """The array ``ptr`` when the loop walks CSR rows: its body has a loop over
    ``range(ptr[v], ptr[v + 1])`` for the loop's own variable ``v`` (directly, or through names
    assigned ``ptr[v]`` and ``ptr[v + 1]`` in the body); None otherwise."""
    aliases = _aliases(loop)
    for node in ast.walk(loop):
        if node is not loop and isinstance(node, ast.For):
            found = _row(node, loop, aliases)
            if found is not None:
                return found
    return None


def row_of(inner: ast.For, outer: ast.For) -> str | None:
    """``ptr`` when ``inner`` runs over one CSR row of ``outer``'s variable ``v``:
    ``range(ptr[v], ptr[v + 1])``, directly or through names assigned those in ``outer``."""
    return _row(inner, outer, _aliases(outer))


def _aliases(loop: ast.For) -> dict[str, ast.expr]:
    return {
        node.targets[0].id: node.value
        for node in ast.walk(loop)
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    }


def _row(inner: ast.For, outer: ast.For, aliases: dict[str, ast.expr]) -> str | None:
    if not isinstance(outer.target, ast.Name):
        return None
    var = outer.target.id

    def row_end(expr, offset: int) -> str | None:
        expr = aliases.get(expr.id, expr) if isinstance(expr, ast.Name) else expr
        if not (isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name)):
            return None
        index = ast.unparse(expr.slice).replace(" ", "")
        return expr.value.id if index == (var if offset == 0 else f"{var}+1") else None

    call = inner.iter
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "range"
        and len(call.args) == 2
    ):
        return None
    first, last = row_end(call.args[0], 0), row_end(call.args[1], 1)
    return first if first is not None and first == last else None


def balanced_runs(loop: ast.For, tag: str, lo: str, hi: str, rows: str) -> list[ast.stmt]:
    """The loop's rows cut into runs of about equal edges plus rows (``balanced_bounds``), 8 runs
    per thread, one run per prange iteration: numba's static schedule then hands each thread
    about the same number of edges however skewed the degrees; each run keeps its rows in order
    (a thread reads its rows' edges contiguously)."""
    bounds, run = f"_bounds{tag}", f"_run{tag}"
    return _nested(
        loop,
        f"{bounds} = balanced_bounds({rows}, {lo}, {hi}, 8 * numba.get_num_threads())",
        f"for {run} in numba.prange({bounds}.shape[0] - 1):",
        f"range({bounds}[{run}], {bounds}[{run} + 1])",
    )


def interleaved(loop: ast.For, tag: str, lo: str, hi: str) -> list[ast.stmt]:
    """The loop's iterations dealt out cyclically: part c of 8P takes lo + c, lo + c + 8P, ...
    Numba's static schedule gives each thread 8 consecutive parts, so every thread gets an even
    share of any stretch of the iteration space, however the work grows along it; neighbouring
    iterations stay on one thread (parts c..c+7), so writes to ``out[i]`` share no cache line."""
    parts, part = f"_parts{tag}", f"_cyc{tag}"
    return _nested(
        loop,
        f"{parts} = 8 * numba.get_num_threads()",
        f"for {part} in numba.prange({parts}):",
        f"range({part if lo == '0' else f'{lo} + {part}'}, {hi}, {parts})",
    )


def dynamic(loop: ast.For, tag: str, lo: str, hi: str) -> list[ast.stmt]:
    """The loop under numba's dynamic schedule: chunks of about n / 16P iterations, each taken by
    whichever thread is free (``numba.set_parallel_chunksize``; the sandbox runs a kernel that
    sets a chunk size under the TBB threading layer, the one that honours it). The chunk size
    is a plain call before the loop and put back after it: numba 0.68 fails to type
    ``with numba.parallel_chunksize(expression):`` inside a kernel."""
    chunk, previous = f"_chunk{tag}", f"_sched{tag}"
    count = hi if lo == "0" else f"({hi}) - ({lo})"
    out = _stmts(
        f"{chunk} = max(1, ({count}) // (16 * numba.get_num_threads()))\n"
        f"{previous} = numba.set_parallel_chunksize({chunk})"
    )
    return [
        *out,
        _prange_header(loop, tag, lo, hi),
        *_stmts(f"numba.set_parallel_chunksize({previous})"),
    ]


def _nested(loop: ast.For, setup: str, outer: str, inner: str) -> list[ast.stmt]:
    """``setup``, then the prange loop ``outer`` around the original loop's variable over
    ``inner`` with the original body."""
    out = _stmts(f"{setup}\n{outer}\n    for {loop.target.id} in {inner}:\n        pass")
    out[1].body[0].body = copy.deepcopy(loop.body)
    return out
