"""A function of an optimised LLVM module, read from its text: its blocks and their successors,
its innermost natural loops, the source line of each instruction (``!dbg`` through ``inlinedAt``),
and counts of vector and scalar operations."""

from __future__ import annotations

import re


class IRFunction:
    """One function of an optimised LLVM module, read from its text: blocks, successors, the
    source line of each instruction (through ``!dbg`` and ``inlinedAt`` to the outermost call)."""

    _LABEL = re.compile(r"^([A-Za-z0-9_.$-]+|\"[^\"]+\"):(\s|$)")
    _TARGET = re.compile(r"label %([A-Za-z0-9_.$-]+|\"[^\"]+\")")
    _DBG = re.compile(r"!dbg !(\d+)")

    def __init__(self, text: str, locations: dict[int, tuple[int, int | None]]):
        self.blocks: dict[str, list[str]] = {}
        current = None
        for raw in text.splitlines():
            if raw.startswith(("define", "}", ";")) or not raw.strip():
                continue
            label = self._LABEL.match(raw)
            if label:
                current = label.group(1)
                self.blocks[current] = []
                continue
            if raw.lstrip().startswith("#dbg_"):
                continue  # debug records: no code
            if current is None:
                current = "entry"
                self.blocks[current] = []
            self.blocks[current].append(raw.strip())
        self.locations = locations
        # only terminators name a block as `label %x` (a switch's cases span several lines)
        self.successors = {
            name: self._TARGET.findall(" ".join(body)) for name, body in self.blocks.items()
        }
        self.predecessors: dict[str, set[str]] = {n: set() for n in self.blocks}
        for name, targets in self.successors.items():
            for target in targets:
                if target in self.predecessors:
                    self.predecessors[target].add(name)

    def line_of(self, instruction: str) -> int | None:
        """The source line of one instruction (outermost call site of inlined code)."""
        match = self._DBG.search(instruction)
        if not match:
            return None
        node = int(match.group(1))
        for _ in range(64):
            line, inlined_at = self.locations.get(node, (None, None))
            if inlined_at is None:
                return line
            node = inlined_at
        return None

    def loops(self) -> list[list[str]]:
        """The innermost natural loops, each as its blocks in program order."""
        names = list(self.blocks)
        if not names:
            return []
        dominators = _dominators(names, self.predecessors)
        predecessors = self.predecessors
        bodies: dict[str, set[str]] = {}
        for tail, targets in self.successors.items():
            for head in targets:
                if head in dominators.get(tail, ()):  # a back edge tail -> head
                    body, todo = {head, tail}, [tail]
                    while todo:
                        node = todo.pop()
                        if node == head:
                            continue
                        for pred in predecessors[node]:
                            if pred not in body:
                                body.add(pred)
                                todo.append(pred)
                    bodies.setdefault(head, set()).update(body)
        innermost = [
            head
            for head, body in bodies.items()
            if not any(other != head and other in body for other in bodies)
        ]
        order = {name: index for index, name in enumerate(names)}
        return [sorted(bodies[head], key=order.__getitem__) for head in innermost]


def _dominators(names: list[str], predecessors: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each block's dominators (the iterative data-flow solution; ``names[0]`` is the entry)."""
    entry = names[0]
    everything = set(names)
    dominators = {n: set(everything) for n in names}
    dominators[entry] = {entry}
    changed = True
    while changed:
        changed = False
        for name in names[1:]:
            incoming = [dominators[p] for p in predecessors[name]]
            new = set.intersection(*incoming) if incoming else set()
            new = new | {name}
            if new != dominators[name]:
                dominators[name] = new
                changed = True
    return dominators


_LOCATION = re.compile(
    r"^!(\d+) = (?:distinct )?!DILocation\(line: (\d+)(?:, column: \d+)?, scope: !\d+"
    r"(?:, inlinedAt: !(\d+))?"
)


def locations(module_text: str) -> dict[int, tuple[int, int | None]]:
    """``!N = !DILocation(line: L, ..., inlinedAt: !M)`` of a module: N -> (L, M)."""
    found = {}
    for raw in module_text.splitlines():
        if raw.startswith("!") and "DILocation" in raw:
            match = _LOCATION.match(raw)
            if match:
                inlined = int(match.group(3)) if match.group(3) else None
                found[int(match.group(1))] = (int(match.group(2)), inlined)
    return found


_FP = ("fadd", "fsub", "fmul", "fdiv", "frem", "fneg", "fcmp")
_INT = ("add", "sub", "mul", "sdiv", "udiv", "srem", "urem", "shl", "lshr", "ashr", "and", "or",
        "xor", "icmp")  # fmt: skip
_OPCODE = re.compile(r"^(?:%[\w.$-]+ = )?(?:tail |musttail |notail )?(\w+)")
VECTOR_TYPE = re.compile(r"<(\d+) x (double|float|i64|i32|i16|i8|i1|ptr)>")
CALLEE = re.compile(r"@([\w.$\"-]+)\(")


def opcode(instruction: str) -> str:
    match = _OPCODE.match(instruction)
    return match.group(1) if match else ""


def counts(instructions: list[str]) -> dict:
    """Per iteration of the loop body: instructions, and vector/scalar floating-point and
    integer operations, loads, stores, gathers and calls."""
    out = dict(instructions=0, vector_fp=0, scalar_fp=0, vector_int=0, scalar_int=0, loads=0,
               stores=0, gathers=0, calls=0)  # fmt: skip
    for instruction in instructions:
        op = opcode(instruction)
        if op in ("phi", "br", "switch"):
            continue
        out["instructions"] += 1
        vector = bool(VECTOR_TYPE.search(instruction))
        if op in _FP:
            out["vector_fp" if vector else "scalar_fp"] += 1
        elif op in _INT:
            out["vector_int" if vector else "scalar_int"] += 1
        elif op == "load":
            out["loads"] += 1
        elif op == "store":
            out["stores"] += 1
        elif op == "call":
            if "llvm.masked.gather" in instruction or "llvm.masked.scatter" in instruction:
                out["gathers"] += 1
            elif "@llvm." not in instruction:
                out["calls"] += 1
            if re.search(r"@llvm\.(fma|fmuladd|sqrt|exp|log|sin|cos|pow|fabs)", instruction):
                out["vector_fp" if vector else "scalar_fp"] += 1
    return out


def demangle(name: str) -> str:
    """numba's Itanium-style names, read enough to say which function: the last parts."""
    name = name.strip('"')
    if not name.startswith("_ZN"):
        return name
    parts, rest = [], name[3:]
    while rest and rest[0].isdigit():
        digits = re.match(r"\d+", rest).group(0)
        size = int(digits)
        parts.append(rest[len(digits) : len(digits) + size])
        rest = rest[len(digits) + size :]
    readable = [re.sub(r"_([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), p) for p in parts]
    return ".".join(p for p in readable if p) or name
