"""The edits behind each mutant (mutate/__init__.py builds the mutants from them): the AST walk
over the reference that proposes every operator's change as a byte-offset splice of the task's
text, the splicing itself, and the sizes that the size shortcuts are taken above.
"""

from __future__ import annotations

import ast
import copy
import math
from dataclasses import dataclass

from ..task import EDGE_SIZES

_BOUNDARY = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
_BOUNDARY.update({ast.Eq: ast.NotEq, ast.NotEq: ast.Eq})
_ARITHMETIC = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.Add,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
    ast.BitXor: ast.BitOr,
    ast.BitOr: ast.BitXor,
    ast.BitAnd: ast.BitOr,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
}


def shortcut_sizes(sizes: dict) -> list[int]:
    """The K of ``if n > K`` shortcuts: wrong on every non-empty input, wrong from the check
    size up but right on the edge sizes, wrong only at the bench size."""
    check, bench = sizes["check"], sizes["bench"]
    found = [0]
    edge = max(EDGE_SIZES)
    if check > edge + 1:
        found.append(int(math.sqrt((edge + 1) * check)))
    if bench > check:
        found.append(int(math.sqrt(check * bench)))
    return sorted(set(found))


# ------------------------------------------------------------------ edits on the source text


@dataclass
class _Edit:
    operator: str
    line: int
    changes: list[tuple[int, int, str]]  # (start, end, replacement) in byte offsets
    detail: str = ""


def _apply(source: str, changes: list[tuple[int, int, str]]) -> str:
    data = source.encode("utf-8")
    for start, end, text in sorted(changes, reverse=True):
        data = data[:start] + text.encode("utf-8") + data[end:]
    return data.decode("utf-8")


class _Maker:
    def __init__(self, source: str, func: ast.FunctionDef, sizes: dict):
        self.source = source
        self.func = func
        self.sizes = sizes
        self.edits: list[_Edit] = []
        self._starts = [0]
        for line in source.encode("utf-8").splitlines(keepends=True):
            self._starts.append(self._starts[-1] + len(line))
        self.loop_names = {
            n.target.id
            for n in ast.walk(func)
            if isinstance(n, ast.For) and isinstance(n.target, ast.Name)
        }
        self.size_text = self._size_expression()

    # -- positions
    def offset(self, line: int, col: int) -> int:
        return self._starts[line - 1] + col

    def span(self, node) -> tuple[int, int]:
        return (
            self.offset(node.lineno, node.col_offset),
            self.offset(node.end_lineno, node.end_col_offset),
        )

    def text(self, node) -> str:
        start, end = self.span(node)
        return self.source.encode("utf-8")[start:end].decode("utf-8")

    def replace(self, operator, node, text, detail="") -> None:
        start, end = self.span(node)
        self.edits.append(_Edit(operator, node.lineno, [(start, end, text)], detail))

    def insert(self, operator, at: int, line: int, text: str, detail="") -> None:
        self.edits.append(_Edit(operator, line, [(at, at, text)], detail))

    # -- what to mutate
    def collect(self) -> None:
        self._function_start()
        for node in _walk_in_order(self.func):
            if isinstance(node, ast.For):
                self._loop(node)
            elif isinstance(node, ast.Compare):
                self._compare(node)
            elif isinstance(node, ast.BinOp):
                self._binop(node)
            elif isinstance(node, ast.AugAssign):
                self._augassign(node)
            elif isinstance(node, ast.BoolOp):
                flipped = ast.Or() if isinstance(node.op, ast.And) else ast.And()
                new = ast.BoolOp(op=flipped, values=node.values)
                self.replace("and_or", node, f"({ast.unparse(new)})")
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.USub):
                if not isinstance(node.operand, ast.Constant):
                    self.replace("not_removed", node, f"({self.text(node.operand)})")
            elif isinstance(node, ast.Break | ast.Continue):
                word = "break" if isinstance(node, ast.Break) else "continue"
                self.replace("exit_removed", node, "pass", f"`{word}` removed")
            elif isinstance(node, ast.Return) and self._in_loop(node):
                self.replace("exit_removed", node, "pass", "the `return` in the loop removed")
            elif isinstance(node, ast.If) and self._in_loop(node):
                self._exit_added(node)
            elif isinstance(node, ast.Subscript):
                self._index(node)
            if isinstance(node, ast.Assign | ast.AugAssign):
                self._write(node)
            if isinstance(node, ast.Assign) and node in self.func.body:
                self._init(node)

    def _size_expression(self) -> str | None:
        """``x.shape[0]`` or ``len(x)`` of the first parameter the reference sizes itself by."""
        params = {a.arg for a in self.func.args.args}
        for node in _walk_in_order(self.func):
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "shape"
                and isinstance(node.value.value, ast.Name)
                and node.value.value.id in params
            ):
                return f"{node.value.value.id}.shape[0]"
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "len"
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in params
            ):
                return f"len({node.args[0].id})"
        return None

    def _answers(self) -> list[str] | None:
        """Constants to return in place of the answer; None when the reference returns nothing."""
        returns = [n for n in ast.walk(self.func) if isinstance(n, ast.Return)]
        valued = [r.value for r in returns if r.value is not None]
        if not valued:
            return None
        found = ["0"]
        for value in valued:
            if isinstance(value, ast.Constant) and isinstance(value.value, bool | int | float):
                found.append(repr(value.value))
            elif (
                isinstance(value, ast.UnaryOp)
                and isinstance(value.op, ast.USub)
                and isinstance(value.operand, ast.Constant)
            ):
                found.append(f"-{value.operand.value!r}")
            if _looks_boolean(value):
                found += ["True", "False"]
        return list(dict.fromkeys(found))

    def _function_start(self) -> None:
        body = self.func.body
        first = body[0]
        if (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
            and len(body) > 1
        ):
            first = body[1]
        at = self.offset(first.lineno, first.col_offset)
        indent = " " * first.col_offset
        answers = self._answers()
        returned = answers if answers is not None else [""]
        for value in returned:
            statement = f"return {value}".rstrip()
            self.insert(
                "return_constant",
                at,
                first.lineno,
                f"{statement}\n{indent}",
                f"`{statement}` first",
            )
        if answers is not None:
            for arg in self.func.args.args:
                self.insert(
                    "return_input",
                    at,
                    first.lineno,
                    f"return {arg.arg}\n{indent}",
                    f"`return {arg.arg}` first",
                )
        if self.size_text is None:
            return
        for k in shortcut_sizes(self.sizes):
            for value in returned:
                statement = f"return {value}".rstrip()
                guard = f"if {self.size_text} > {k}:"
                self.insert(
                    "size_shortcut",
                    at,
                    first.lineno,
                    f"{guard}\n{indent}    {statement}\n{indent}",
                    f"`{guard} {statement}` first",
                )

    def _in_loop(self, target) -> bool:
        for loop in ast.walk(self.func):
            if isinstance(loop, ast.For | ast.While) and loop is not target:
                for inner in loop.body:
                    if any(n is target for n in ast.walk(inner)):
                        return True
        return False

    def _loop(self, node: ast.For) -> None:
        call = node.iter
        if not (isinstance(call, ast.Call) and _is_range(call.func) and not call.keywords):
            return
        args = [self.text(a) for a in call.args]
        if not 1 <= len(args) <= 3:
            return
        name = self.text(call.func)
        start, stop = ("0", args[0]) if len(args) == 1 else (args[0], args[1])
        step = args[2] if len(args) == 3 else None

        def rng(a, b, s=step):
            inner = f"{a}, {b}" if s is None else f"{a}, {b}, {s}"
            return f"{name}({inner})"

        where = f"`{self.text(call)}`"
        middle = f"({start}) + (({stop}) - ({start})) // 2"
        self.replace("range_end_minus", call, rng(start, f"({stop}) - 1"), f"{where} stops early")
        self.replace("range_end_plus", call, rng(start, f"({stop}) + 1"), f"{where} one past")
        self.replace("range_start_plus", call, rng(f"({start}) + 1", stop), f"{where} from +1")
        self.replace(
            "range_step_double",
            call,
            rng(start, stop, f"2 * ({step or 1})"),
            f"{where} every other iteration",
        )
        self.replace("range_first_half", call, rng(start, middle), f"{where} first half only")
        self.replace("range_second_half", call, rng(middle, stop), f"{where} second half only")
        big = shortcut_sizes(self.sizes)
        if (
            self.size_text is not None
            and len(big) > 1
            and self.sizes["bench"] > self.sizes["check"]
        ):
            k = big[-1]
            guard = f"{self.size_text} <= {k}"
            self.replace(
                "big_first_half",
                call,
                rng(start, f"({stop}) if {guard} else {middle}"),
                f"{where} first half only when {self.size_text} > {k}",
            )
            self.replace(
                "big_second_half",
                call,
                rng(f"({start}) if {guard} else {middle}", stop),
                f"{where} second half only when {self.size_text} > {k}",
            )

    def _compare(self, node: ast.Compare) -> None:
        for i, op in enumerate(node.ops):
            other = _BOUNDARY.get(type(op))
            if other is None:
                continue
            new = copy.deepcopy(node)
            new.ops[i] = other()
            self.replace(
                "compare_boundary",
                node,
                f"({ast.unparse(new)})",
                f"`{_op_text(op)}` became `{_op_text(other())}` in `{self.text(node)}`",
            )
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.NotEq):
            left, right = self.text(node.left), self.text(node.comparators[0])
            self.replace("xor_to_or", node, f"(({left}) or ({right}))")
            self.replace("xor_to_and", node, f"(({left}) and ({right}))")

    def _binop(self, node: ast.BinOp) -> None:
        other = _ARITHMETIC.get(type(node.op))
        if other is None:
            return
        new = ast.BinOp(left=node.left, op=other(), right=node.right)
        self.replace(
            "arithmetic",
            node,
            f"({ast.unparse(new)})",
            f"`{_op_text(node.op)}` became `{_op_text(other())}` in `{self.text(node)}`",
        )

    def _augassign(self, node: ast.AugAssign) -> None:
        target = self.text(node.target)
        value = self.text(node.value)
        other = _ARITHMETIC.get(type(node.op))
        if other is not None:
            self.replace(
                "arithmetic",
                node,
                f"{target} {_op_text(other())}= {value}",
                f"`{_op_text(node.op)}=` became `{_op_text(other())}=` in `{self.text(node)}`",
            )
        self.replace("accumulate_to_assign", node, f"{target} = {value}")

    def _exit_added(self, node: ast.If) -> None:
        if any(isinstance(n, ast.Break | ast.Return) for s in node.body for n in ast.walk(s)):
            return
        last = node.body[-1]
        at = self.offset(last.end_lineno, last.end_col_offset)
        indent = " " * last.col_offset
        self.insert(
            "exit_added",
            at,
            node.lineno,
            f"\n{indent}break",
            f"`break` after the branch `if {self.text(node.test)}`",
        )

    def _index(self, node: ast.Subscript) -> None:
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        for part in parts:
            if isinstance(part, ast.Name) and part.id in self.loop_names:
                for sign in ("+", "-"):
                    start, end = self.span(part)
                    self.edits.append(
                        _Edit(
                            "index_shift",
                            node.lineno,
                            [(start, end, f"{part.id} {sign} 1")],
                            f"`{self.text(node)}` read at `{part.id} {sign} 1`",
                        )
                    )

    def _write(self, node) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if any(isinstance(t, ast.Subscript) for t in targets) or isinstance(node, ast.AugAssign):
            self.replace("write_dropped", node, "pass", f"`{self.text(node)}` dropped")

    def _init(self, node: ast.Assign) -> None:
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            return
        value = node.value
        changed: list[str] = []
        number = _number(value)
        if isinstance(value, ast.Constant) and isinstance(value.value, bool):
            changed = [repr(not value.value)]
        elif number is not None:
            if math.isinf(number):
                changed = ["0.0"]
            else:
                changed = [f"{self.text(value)} + 1"] + (["0"] if number != 0 else [])
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            attr = value.func.attr
            if attr == "zeros":
                changed = [self.text(value).replace("zeros", "ones", 1)]
            elif attr == "full" and len(value.args) >= 2:
                fill = value.args[1]
                start, end = self.span(fill)
                whole_start, _ = self.span(value)
                text = self.text(value).encode("utf-8")
                a, b = start - whole_start, end - whole_start
                changed = [
                    (text[:a] + f"({self.text(fill)}) + 1".encode() + text[b:]).decode("utf-8")
                ]
        for text in changed:
            self.replace(
                "init_changed",
                value,
                text,
                f"`{self.text(node)}` starts from `{text}`",
            )


def _one_line(text: str, limit: int = 160) -> str:
    """Whitespace (a multi-line expression's newlines included) collapsed, long text cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _walk_in_order(func: ast.FunctionDef):
    """The nodes of ``func``'s body in source order (decorators and arguments left out)."""
    found = [n for stmt in func.body for n in ast.walk(stmt) if hasattr(n, "lineno")]
    return sorted(found, key=lambda n: (n.lineno, n.col_offset, -n.end_lineno, -n.end_col_offset))


def _is_range(func) -> bool:
    if isinstance(func, ast.Name):
        return func.id in ("range", "prange")
    return isinstance(func, ast.Attribute) and func.attr == "prange"


def _looks_boolean(node) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, bool)
    if isinstance(node, ast.Compare | ast.BoolOp):
        return True
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)


def _number(node) -> float | None:
    """The value of a numeric literal, ``-literal``, ``np.inf`` or ``-np.inf``; else None."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return float(node.value)
    if isinstance(node, ast.Attribute) and node.attr == "inf":
        return math.inf
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    return None


_OP_TEXT = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.Pow: "**", ast.BitXor: "^", ast.BitOr: "|", ast.BitAnd: "&", ast.LShift: "<<",
    ast.RShift: ">>", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
    ast.NotEq: "!=",
}  # fmt: skip


def _op_text(op) -> str:
    return _OP_TEXT[type(op)]
