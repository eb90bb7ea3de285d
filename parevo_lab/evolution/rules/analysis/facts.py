"""The facts recorded for one loop (``LoopFacts``: the strategies and blockers they imply) and
the small facts read from one expression or statement: a loop's ``range``, a constant, a scalar's
self-update and its operator family, whether a call is pure."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

# operators numba's prange recognises as scalar reductions (NUMBA_NOTES.md): others need blocks
PRANGE_REDUCTIONS = {"+", "-", "*", "max", "min"}
ASSOCIATIVE = {"+", "-", "*", "max", "min", "|", "&", "^"}
_BINOPS = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.BitOr: "|",
    ast.BitAnd: "&",
    ast.BitXor: "^",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
    ast.LShift: "<<",
    ast.RShift: ">>",
}


@dataclass
class LoopFacts:
    id: str
    line: int
    var: str
    depth: int  # 0 for a loop directly in the function body (or under if/while there)
    parent: str | None  # the innermost enclosing for loop
    step: int | None  # 1, -1, another constant, or None when not a constant
    in_while: bool = False
    reductions: dict[str, str] = field(default_factory=dict)
    # min/max reductions the loop also reads, only to prune (``if e >= best: break``): each block
    # can prune with its own partial, which is never tighter than the serial running value
    bounded: list[str] = field(default_factory=list)
    private: list[str] = field(default_factory=list)
    carried: dict[str, str] = field(default_factory=dict)
    scans: dict[str, str] = field(default_factory=dict)
    independent: list[str] = field(default_factory=list)
    ahead: list[str] = field(default_factory=list)
    conflicts: dict[str, str] = field(default_factory=dict)
    dependent: dict[str, str] = field(default_factory=dict)
    scatters: list[str] = field(default_factory=list)  # a[idx[i]] = v: right if idx never repeats
    # range(lo, hi, step) with a step the loop does not change, every access of these arrays
    # at ``var + e``, e built from inner loop variables and invariants: an FFT stage's blocks.
    # Right if e stays in [0, step): the race detector and the verifier decide
    strided: list[str] = field(default_factory=list)
    merge: dict | None = None  # a while loop merging two sorted arrays (analysis/merge.py)
    # a running value under max-plus steps and the bests it feeds (analysis/maxplus.py)
    maxplus: dict | None = None
    select: dict | None = None  # if e < key: key = e; c = v (an argmin): key, op, companions
    pattern: dict | None = None  # a histogram, scan or pack that a primitive computes
    fission: dict | None = None  # a parallel head of the body before a carried tail
    exits: str | None = None  # "return" or "break"
    exit_pure: bool = False  # before its exit, the body writes no arrays and carries nothing
    live_after: list[str] = field(default_factory=list)  # private scalars read after the loop
    exit_names: list[str] = field(default_factory=list)  # assigned only where the loop exits
    calls: list[str] = field(default_factory=list)  # calls that may write their arguments

    def blockers(self) -> list[str]:
        """Why a plain prange of this loop would be wrong (empty: it would be right)."""
        why = []
        if self.step not in (1,) and not self.strided:
            why.append(f"step {self.step}" if self.step is not None else "a non-constant step")
        if self.exits:
            why.append(f"it can {self.exits} early")
        why += [f"`{s}` is carried ({r})" for s, r in self.carried.items()]
        if self.maxplus is not None:
            m = self.maxplus
            why.append(f"`{m['running']}` is a running value under +/{m['op']} steps")
        why += [f"`{s}` is a running {op} read inside the loop" for s, op in self.scans.items()]
        why += [
            f"`{s}` is a {op} reduction prange cannot do"
            for s, op in self.reductions.items()
            if op not in PRANGE_REDUCTIONS
        ]
        why += [f"`{s}` is a running {self.reductions[s]} read to prune" for s in self.bounded]
        why += [f"`{a}` is updated at indices iterations share" for a in self.conflicts]
        why += [f"`{a}` is read ahead of where it is written" for a in self.ahead]
        why += [f"`{a}`: {r}" for a, r in self.dependent.items()]
        why += [f"`{a}` is stored at indices that may repeat" for a in self.scatters]
        why += [f"`{a}` may be touched beyond each iteration's stride" for a in self.strided]
        why += [f"`{s}` is assigned in the loop and read after it" for s in self.live_after]
        why += [f"`{c}(...)` may write its arguments" for c in self.calls]
        return why

    def strategies(self) -> list[str]:
        """The transformations that fit this loop, most promising first (fission only when
        nothing else fits: it parallelises part of the loop)."""
        found = self._strategies()
        if not found and self.fission is not None:
            return ["fission"]
        return found

    def _strategies(self) -> list[str]:
        if self.merge is not None:  # speculative: sorted keys, stores that follow the merge
            return ["merge"]
        found = []
        clean_scalars = not self.carried and not self.live_after and not self.calls
        arrays_clean = not self.dependent
        if self.exits:
            # what the exit's own block assigns is redone by the serial tail: it may be live
            live = set(self.live_after) - set(self.exit_names)
            if (
                self.exit_pure
                and self.step in (1, -1)
                and not self.carried
                and not live
                and not self.calls
                and arrays_clean
                and not self.scatters
            ):
                return ["search"]
            return []
        if self.strided:  # speculative, as a scatter
            plain = not (self.reductions or self.scans or self.conflicts or self.ahead)
            return ["prange"] if clean_scalars and arrays_clean and plain else []
        if not clean_scalars or not arrays_clean or self.step != 1:
            return []
        if self.maxplus is not None:
            return ["maxplus"]
        blocked_ops = bool(self.bounded) or any(
            op not in PRANGE_REDUCTIONS for op in self.reductions.values()
        )
        if self.scans:
            if not self.conflicts and not self.ahead:
                found.append("scan")
            if self.pattern is not None:
                found.append("primitive")
            return found
        if self.conflicts:
            if not self.ahead and not blocked_ops:
                found.append("privatise")
            if self.pattern is not None:
                found.append("primitive")
            return found
        if self.ahead:
            if not blocked_ops:
                found.append("double_buffer")
            return found
        if self.select is not None:
            return [] if self.scatters or self.conflicts or self.scans or self.ahead else ["select"]
        if self.scatters:  # speculative: the race detector and the verifier decide
            return ["blocks"] if blocked_ops else ["prange"]
        if blocked_ops:
            return ["blocks"]
        found.append("prange")
        if self.reductions:
            found.append("blocks")
        return found

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "line": self.line,
            "var": self.var,
            "depth": self.depth,
            "parent": self.parent,
            "strategies": self.strategies(),
            "blockers": self.blockers(),
            "reductions": self.reductions,
            "bounded": self.bounded,
            "scans": self.scans,
            "conflicts": self.conflicts,
            "scatters": self.scatters,
            "strided": self.strided,
            "maxplus": self.maxplus,
        }


def _range_of(loop: ast.For) -> tuple[list[ast.expr], int | None] | None:
    call = loop.iter
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id == "range"
        and isinstance(loop.target, ast.Name)
        and not call.keywords
        and 1 <= len(call.args) <= 3
    ):
        return None
    if len(call.args) < 3:
        return call.args, 1
    step = _constant(call.args[2])
    return call.args, step if isinstance(step, int) else None


def _constant(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _constant(node.operand)
        return -value if value is not None else None
    return None


_PURE_MODULES = ("np.", "numpy.", "math.", "cmath.", "numba.")
_PURE_BUILTINS = {
    "abs",
    "min",
    "max",
    "int",
    "float",
    "bool",
    "complex",
    "len",
    "range",
    "round",
    "divmod",
    "pow",
}
_WRITING_NUMPY = {"np.copyto", "numpy.copyto", "np.put", "np.place", "np.fill_diagonal"}


def _call_name(call: ast.Call) -> str | None:
    parts = []
    node = call.func
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _pure_call(name: str) -> bool:
    if name in _WRITING_NUMPY:
        return False
    if name in _PURE_BUILTINS or name.startswith(_PURE_MODULES):
        return True
    # methods of arrays that only read (x.sum(), x.copy(), x.shape...)
    method = name.rsplit(".", 1)[-1]
    return "." in name and method in {
        "sum",
        "min",
        "max",
        "copy",
        "astype",
        "reshape",
        "ravel",
        "item",
        "any",
        "all",
        "argmin",
        "argmax",
        "mean",
        "prod",
        "conjugate",
        "conj",
        "real",
        "imag",
    }


def _self_update(stmt: ast.Assign) -> tuple[str | None, ast.expr | None]:
    """``s = s op e`` / ``a[k] = a[k] op e`` / ``s = max(s, e)``: (op, e); else (None, None)."""
    if len(stmt.targets) != 1:
        return None, None
    target, value = stmt.targets[0], stmt.value
    if not isinstance(target, ast.Name | ast.Subscript):
        return None, None
    same = ast.dump(_load(target))
    if isinstance(value, ast.BinOp) and type(value.op) in _BINOPS:
        op = _BINOPS[type(value.op)]
        if ast.dump(value.left) == same and not _mentions(value.right, target):
            return op, value.right
        if op in ("+", "*", "|", "&", "^") and ast.dump(value.right) == same:
            if not _mentions(value.left, target):
                return op, value.left
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in ("max", "min")
        and len(value.args) == 2
        and not value.keywords
    ):
        first, second = value.args
        if ast.dump(first) == same and not _mentions(second, target):
            return value.func.id, second
        if ast.dump(second) == same and not _mentions(first, target):
            return value.func.id, first
    return None, None


def _load(target):
    """The expression that reads what ``target`` stores to."""
    clone = ast.parse(ast.unparse(target), mode="eval").body
    return clone


def _mentions(expr, target) -> bool:
    name = target.id if isinstance(target, ast.Name) else target.value.id
    return any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(expr))


def _family(op):
    return "+" if op == "-" else op
