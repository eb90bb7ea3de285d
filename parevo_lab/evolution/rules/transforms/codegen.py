"""Helpers for building code: the snippets, loop headers and blocked loops the strategies
assemble (``_stmts``, ``_prange_header``, ``_block_loops``, ...), and the buffers' dtypes and
reductions' identities they need."""

from __future__ import annotations

import ast
import copy

from ..analysis import _constant
from .plan import Plan, RenderError
from .tidy import not_negative

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


def _plus(text: str, k: int) -> str:
    """``text + k`` with its constants folded: ``-1 + 1`` is ``0``, ``n - 1 + 1`` is ``n``."""
    node = _expr(text)
    if isinstance(_constant(node), int):
        return str(_constant(node) + k)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
        right = _constant(node.right)
        if isinstance(right, int):
            k += right if isinstance(node.op, ast.Add) else -right
            text = _src(node.left)
    if k == 0:
        return text
    return f"({text}) + {k}" if k > 0 else f"({text}) - {-k}"


def _extent(loop: ast.For, tag: str) -> list[ast.stmt]:
    """``_lo<tag>`` and ``_n<tag>``: the first index and the iteration count, evaluated once.
    (A first index of 0 is folded away when the kernel is tidied: ``_n<tag>`` alone stays.)"""
    lo, hi = _bounds(loop)
    if lo == "0":
        count = hi if not_negative(_expr(hi)) else f"max(0, {hi})"
        return _stmts(f"_lo{tag} = 0\n_n{tag} = {count}")
    return _stmts(f"_lo{tag} = {lo}\n_n{tag} = max(0, ({hi}) - _lo{tag})")


def _block_count(plan: Plan, tag: str, n: str) -> list[ast.stmt]:
    per = int(plan.knob("blocks"))
    threads = "numba.get_num_threads()" + (f" * {per}" if per != 1 else "")
    return _stmts(f"_nb{tag} = max(1, min({threads}, {n}))")


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
    """The start value of a partial: a plain literal where numba types it as ``dtype`` anyway
    (``0`` is an int64, ``0.0`` a float64), a cast for the narrower and unsigned types."""
    if op == "&" and dtype == "np.bool_":
        return "True"
    if op in ("|", "^") and dtype == "np.bool_":
        return "False"
    value = IDENTITY["+" if op == "-" else op]
    if dtype == "np.int64":
        return value
    if dtype == "np.float64" and op in ("+", "-", "*"):
        return f"{value}.0"
    return f"{dtype}({value})"
