"""The compiled view: what numba and LLVM made of each loop of a kernel.

For every parallel loop (numba's parfor, compiled into a gufunc of its own) and, for comparison,
every loop of a serial function (the task's reference): whether LLVM vectorised the innermost
loop, its vector width and interleave, and for a loop it did not vectorise the reason, mapped to
the source line, in plain words with the standard fix. Also the loop body's optimised LLVM IR and
assembly, each line tied to the source line it came from, and counts of vector and scalar
operations per iteration.

How (numba 0.68, llvmlite 0.50; measured in docs/compiled.md):

- **A build with line tables.** numba emits no source lines without debug info, so the view comes
  from a second compile of the same Python function with the candidate's own options plus
  ``debug=True`` (``_dbg_extend_lifetimes=False``, ``boundscheck`` as the candidate had it): line
  tables do not change LLVM's code. The function's code object is moved down by ``OFFSET`` lines
  first, so a line of the candidate (``OFFSET + n``) is never mistaken for a line of the gufunc
  numba writes around each parallel loop (its lines 1-5).
- **LLVM's own remarks.** The loop vectoriser's passed, missed and analysis remarks
  (``-pass-remarks*=loop-vectorize``) go to the process's stderr as LLVM optimises each library;
  a hook on numba's ``CPUCodeLibrary._optimize_final_module`` catches them per library, and every
  parallel loop is a library of its own (``__numba_parfor_gufunc_<hash(parfor)>``), so each
  remark belongs to one loop. Where the hook cannot be installed (another numba), the findings
  come from patterns in the IR alone, and the result says so.
- **Patterns in the optimised IR** add what remarks do not say, or say without the source: the
  signed-index wraparound (``icmp slt`` + ``select`` on an index: loads become gathers), gathers
  and scatters, calls left in the loop, allocations and reference counting, exception paths.
- **Against the real build:** for a cold compile, the candidate's own library is read too (no
  line tables), and the result says whether each loop was vectorised the same way in both.

Runs in the sandboxed child (the verify job after the compile, or the ``codegen`` job of ``parevo
explain``); at a cold compile the result is stored beside the source like the loop diagnostics,
so a cache hit shows it too.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import re
import tempfile
import time
import types
import warnings
from pathlib import Path

from ..results import CodegenResult, CodeLine, CompiledLoop, LoopFinding

OFFSET = 1_000_000  # the analysis build's line numbers: candidate line n is OFFSET + n
LISTING_LINES = 400  # most lines of IR or assembly kept per loop
GUFUNC_PREFIX = "__numba_parfor_gufunc_"
_REMARK_OPTIONS = ("-pass-remarks", "-pass-remarks-missed", "-pass-remarks-analysis")

# -------------------------------------------------------------------------------- the findings

#: code -> (a title, plain words, the standard fix). The words name what LLVM saw; the fix is the usual one.
FINDINGS = {
    "vectorised": ("vectorised", "vectorised", ""),
    "wraparound": (
        "signed index wraparound",
        "the index may be negative, and numba wraps a negative index (a[i] with i < 0 reads "
        "from the end): every access becomes a select and a gather or scatter",
        "index with a value numba knows is not negative: prange(n) rather than prange(0, n), "
        "or an unsigned index (np.uint64(i))",
    ),
    "gather": (
        "gathers and scatters",
        "loads or stores go through gathers and scatters (an indirect or strided access)",
        "make the innermost access contiguous: loop over the array's last axis, or copy the "
        "gathered values into a contiguous array first",
    ),
    "float_reduction": (
        "float reduction without fastmath",
        "a floating-point reduction: LLVM keeps the order of the additions, so it cannot split "
        "them across vector lanes",
        "fastmath=True (or fastmath={'reassoc'}) on the kernel lets LLVM reorder the sum",
    ),
    "call": (
        "a call in the loop",
        "a call LLVM could not inline or vectorise stays in the loop",
        "inline the called function (inline='always' on a numba helper) or move the call out "
        "of the loop",
    ),
    "scalar_math": (
        "scalar math calls, one per lane",
        "vectorised in the IR, but the machine code calls the scalar math function once per "
        "lane (no vector math library): the loop runs at scalar speed",
        "numba uses Intel's SVML vector math when the intel-cmplr-lib-rt package is installed; "
        "or compute the function outside the hot loop",
    ),
    "allocation": (
        "allocation in the loop",
        "memory is allocated or reference-counted in every iteration (an array created or "
        "sliced inside the loop)",
        "allocate once before the loop and reuse the array; index instead of slicing",
    ),
    "exception_path": (
        "an exception path",
        "the loop can raise (a raise, an assert, a bounds or zero-division check): the exit "
        "to the exception path is a branch the vectoriser does not handle",
        "check the condition once before the loop, or use error_model='numpy' (division) and "
        "no boundscheck",
    ),
    "indirect_dependence": (
        "indirect stores may collide",
        "a store through an index read from memory (a scatter, a[idx[i]] += ...) may hit the "
        "same element twice in one vector",
        "no vector fix: this is a histogram or scatter pattern; in parallel code privatise it "
        "per thread",
    ),
    "carried_dependence": (
        "loop-carried dependence",
        "an element written in one iteration is read in a later one (a loop-carried dependence)",
        "restructure the recurrence (a scan, or a loop over independent elements)",
    ),
    "unknown_bounds": (
        "unknown array bounds",
        "LLVM cannot tell which elements the loop touches (an index read from memory, or "
        "arrays that may overlap), so it cannot add runtime overlap checks",
        "index contiguously, or gather the indexed values into a contiguous array first",
    ),
    "carried_value": (
        "a value carried between iterations",
        "a value computed in one iteration is used in the next and is no reduction LLVM "
        "knows (a running prefix, a max with its index, a state variable)",
        "split the loop: compute the per-element part vectorisable, then the carried part",
    ),
    "trip_count": (
        "unknown trip count",
        "LLVM cannot compute the number of iterations (a while loop, a break, a bound changed "
        "inside the loop)",
        "give the loop a bound known before it starts (for i in range(n))",
    ),
    "control_flow": (
        "control flow",
        "the loop's control flow is not one LLVM vectorises (an early exit, a switch, a break)",
        "turn branches into arithmetic or np.where-style selects; move the exit out of the loop",
    ),
    "instruction": (
        "an instruction with no vector form",
        "an instruction in the loop has no vector form (an atomic, an integer division by a "
        "variable, a call into the runtime)",
        "move that operation out of the loop, or replace it",
    ),
    "not_beneficial": (
        "not worth it (cost model)",
        "LLVM's cost model found vector code would not be faster here (too few iterations, or "
        "too many scalar accesses)",
        "",
    ),
    "no_loop": ("became memset/memcpy", "LLVM replaced the loop by memset or memcpy", ""),
    "other": ("not vectorised", "LLVM did not vectorise the loop", ""),
}

# a remark's words -> finding code (first match wins)
_REMARK_CODES = [
    ("reorder floating-point", "float_reduction"),
    ("call instruction cannot be vectorized", "call"),
    ("indirect dependence", "indirect_dependence"),
    ("loop carried data dependence", "carried_dependence"),
    ("unsafe dependent memory", "carried_dependence"),
    ("cannot identify array bounds", "unknown_bounds"),
    ("could not be identified as reduction", "carried_value"),
    ("could not determine number of loop iterations", "trip_count"),
    ("early exit", "control_flow"),
    ("control flow", "control_flow"),
    ("unsupported switch", "control_flow"),
    ("number of successors", "control_flow"),
    ("instruction cannot be vectorized", "instruction"),
    ("vectorization is not beneficial", "not_beneficial"),
]
_VECTORISED = re.compile(
    r"vectorized loop \(vectorization width: (\d+), interleaved count: (\d+)\)"
)
_REMARK = re.compile(r"^remark: (.*?):(\d+):(\d+): (.*)$")
_IGNORED_REMARKS = ("explicitly disabled", "interleaving is not beneficial")


def finding(code: str, line: int | None, source: dict[int, str], remark: str = "") -> LoopFinding:
    title, text, fix = FINDINGS[code]
    return LoopFinding(
        code=code,
        title=title,
        line=line,
        expression=source.get(line, "").strip() if line else "",
        text=text,
        fix=fix,
        remark=remark,
    )


# -------------------------------------------------------------------------------- LLVM remarks

_capturing: list[dict] = []  # the active captures, innermost last
_hooked = False


def _install_hook() -> bool:
    """Wrap numba's final optimisation of each code library so that, while a capture is active,
    the remarks LLVM writes to fd 2 are kept per library name. False where numba has no such
    method (then the IR patterns alone are used)."""
    global _hooked
    if _hooked:
        return True
    try:
        from numba.core import codegen
    except ImportError:
        return False
    original = getattr(codegen.CPUCodeLibrary, "_optimize_final_module", None)
    if original is None:
        return False

    def optimize(self):
        if not _capturing:
            return original(self)
        with _stderr_kept() as kept:
            result = original(self)
        _capturing[-1].setdefault(self.name, []).append(kept())
        return result

    codegen.CPUCodeLibrary._optimize_final_module = optimize
    _hooked = True
    return True


@contextlib.contextmanager
def _stderr_kept():
    """Send fd 2 (where LLVM writes its remarks) to a file while the block runs; the callable it
    yields returns what was written."""
    import sys

    sys.stderr.flush()
    handle = tempfile.TemporaryFile()
    saved = os.dup(2)
    written = [""]
    os.dup2(handle.fileno(), 2)
    try:
        yield lambda: written[0]
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        handle.seek(0)
        written[0] = handle.read().decode("utf-8", errors="replace")
        handle.close()


def _set_remarks(on: bool) -> None:
    import llvmlite.binding as llvm

    pattern = "loop-vectorize" if on else "^$"  # no pass is named ""
    for option in _REMARK_OPTIONS:
        llvm.set_option("", f"{option}={pattern}")


@contextlib.contextmanager
def remarks():
    """The loop vectoriser's remarks of every library numba optimises in the block, by library
    name (a list of texts: numba optimises a library more than once); None when they cannot be
    had."""
    if not _install_hook():
        yield None
        return
    captured: dict = {}
    _capturing.append(captured)
    _set_remarks(True)
    try:
        yield captured
    finally:
        _set_remarks(False)
        _capturing.remove(captured)


def parse_remarks(texts: list[str]) -> list[dict]:
    """``remark: FILE:LINE:COL: message`` lines (a message may go on in the following lines),
    in order, without repeats."""
    found: list[dict] = []
    for text in texts:
        for raw in text.splitlines():
            match = _REMARK.match(raw)
            if match:
                found.append(
                    {"line": int(match.group(2)), "message": match.group(4).strip(), "more": ""}
                )
            elif found and raw.strip() and not raw.startswith(("remark:", "warning:")):
                found[-1]["more"] = (found[-1]["more"] + " " + raw.strip()).strip()
    unique, seen = [], set()
    for remark in found:
        key = (remark["line"], remark["message"], remark["more"])
        if key not in seen:
            seen.add(key)
            unique.append(remark)
    return unique


def remark_code(remark: dict) -> str | None:
    """The finding a remark stands for; None for a remark that says nothing about this loop."""
    words = f"{remark['message']} {remark['more']}"
    if any(ignored in words for ignored in _IGNORED_REMARKS):
        return None
    if _VECTORISED.search(words):
        return "vectorised"
    lowered = words.lower()
    for needle, code in _REMARK_CODES:
        if needle.lower() in lowered:
            return code
    if remark["message"].strip() == "loop not vectorized":
        return None  # the summary line after the specific reason
    return "other" if "not vectorized" in lowered else None


# -------------------------------------------------------------------------------- the IR


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
        self.successors = {
            name: [t for t in self._TARGET.findall(" ".join(body[-6:]))]
            for name, body in self.blocks.items()
        }

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
        dominators = _dominators(names, self.successors)
        bodies: dict[str, set[str]] = {}
        predecessors: dict[str, set[str]] = {n: set() for n in names}
        for name, targets in self.successors.items():
            for target in targets:
                if target in predecessors:
                    predecessors[target].add(name)
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


def _dominators(names: list[str], successors: dict[str, list[str]]) -> dict[str, set[str]]:
    entry = names[0]
    predecessors: dict[str, list[str]] = {n: [] for n in names}
    for name, targets in successors.items():
        for target in targets:
            if target in predecessors:
                predecessors[target].append(name)
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
_VECTOR_TYPE = re.compile(r"<(\d+) x (double|float|i64|i32|i16|i8|i1|ptr)>")
_CALLEE = re.compile(r"@([\w.$\"-]+)\(")


def _opcode(instruction: str) -> str:
    match = _OPCODE.match(instruction)
    return match.group(1) if match else ""


def counts(instructions: list[str]) -> dict:
    """Per iteration of the loop body: instructions, and vector/scalar floating-point and
    integer operations, loads, stores, gathers and calls."""
    out = dict(instructions=0, vector_fp=0, scalar_fp=0, vector_int=0, scalar_int=0, loads=0,
               stores=0, gathers=0, calls=0)  # fmt: skip
    for instruction in instructions:
        op = _opcode(instruction)
        if op in ("phi", "br", "switch"):
            continue
        out["instructions"] += 1
        vector = bool(_VECTOR_TYPE.search(instruction))
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


# ------------------------------------------------------------------------------ the source side


def source_loops(source: str, function: str) -> list[tuple[int, int, bool]]:
    """(first line, last line, is prange) of every for/while loop of ``function`` in ``source``."""
    from .compile import is_prange

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == function:
            for inner in ast.walk(node):
                if isinstance(inner, ast.For | ast.While):
                    prange = is_prange(inner)
                    found.append((inner.lineno, inner.end_lineno or inner.lineno, prange))
    return sorted(found)


def innermost_loop(line: int, loops: list[tuple[int, int, bool]]) -> tuple[int, int, bool] | None:
    holding = [loop for loop in loops if loop[0] <= line <= loop[1]]
    return min(holding, key=lambda loop: loop[1] - loop[0]) if holding else None


# ------------------------------------------------------------------------------ one library


class Library:
    """One compiled function of a numba code library, in the analysis build: its IR, its
    assembly, its remarks."""

    def __init__(self, library, symbol: str, remarks: list[str] | None, source: dict[int, str]):
        self.source = source
        module = library._final_module
        text = str(module)
        self.symbol = symbol
        self.function = IRFunction(str(module.get_function(symbol)), locations(text))
        self.asm = library.get_asm_str()
        self.remarks = parse_remarks(remarks) if remarks is not None else None
        self.memset_only = "llvm.memset" in str(module.get_function(symbol)) or (
            "llvm.memcpy" in str(module.get_function(symbol))
        )


def _user_line(line: int | None) -> int | None:
    return line - OFFSET if line is not None and line > OFFSET else None


def analyse_library(
    lib: Library,
    source: dict[int, str],
    loops: list[tuple[int, int, bool]],
    prange_line: int | None,
    function: str,
    role: str,
) -> list[CompiledLoop]:
    """The loops of one compiled function: one CompiledLoop per innermost IR loop, tied to the
    innermost source loop its instructions come from."""
    ir = lib.function
    results: dict[int, CompiledLoop] = {}
    for blocks in ir.loops():
        instructions = [(name, i) for name in blocks for i in ir.blocks[name]]
        lines = [_user_line(ir.line_of(i)) for _, i in instructions]
        own = [line for line in lines if line is not None]
        target = None
        for line in sorted(set(own)):
            loop = innermost_loop(line, loops)
            if loop is not None and (target is None or loop[1] - loop[0] < target[1] - target[0]):
                target = loop
        loop_line = target[0] if target else prange_line
        if loop_line is None:
            continue
        vectorised = any(name.startswith("vector.body") for name in blocks)
        earlier = results.get(loop_line)
        if earlier is not None and (
            earlier.status == "vectorised"
            or (not vectorised and earlier.counts["instructions"] >= len(instructions))
        ):
            continue  # a remainder loop (after the vector or the unrolled loop): the main one counts
        loop = CompiledLoop(
            line=loop_line,
            prange_line=prange_line,
            function=function,
            role=role,
            status="vectorised" if vectorised else "not_vectorised",
        )
        if vectorised:
            widths = [int(w) for _, i in instructions for w, _ in _VECTOR_TYPE.findall(i)]
            loop.width = max(widths) if widths else None
        loop.counts = counts([i for _, i in instructions])
        loop.ir = _ir_listing(ir, blocks)
        loop.findings = _ir_findings(ir, blocks, source, vectorised)
        results[loop_line] = loop
    if not results and prange_line is not None and lib.memset_only:
        results[prange_line] = CompiledLoop(
            line=prange_line,
            prange_line=prange_line,
            function=function,
            role=role,
            status="no_loop",
            findings=[finding("no_loop", prange_line, source)],
        )
    _add_remarks(lib, results, source, loops, prange_line)
    _add_assembly(lib, results)
    for loop in results.values():
        loop.findings = _ordered(loop)
    return sorted(results.values(), key=lambda c: c.line)


def _ir_listing(ir: IRFunction, blocks: list[str]) -> list[CodeLine]:
    listing = []
    for name in blocks:
        listing.append(CodeLine(text=f"{name}:", line=None))
        for instruction in ir.blocks[name]:
            listing.append(
                CodeLine(text="  " + instruction, line=_user_line(ir.line_of(instruction)))
            )
    if len(listing) > LISTING_LINES:
        listing = listing[:LISTING_LINES] + [CodeLine(text="  ... (cut)", line=None)]
    return listing


def _ir_findings(ir: IRFunction, blocks: list[str], source: dict[int, str], vectorised: bool):
    """What the IR itself shows: wraparound selects, gathers, calls, allocations, exception
    paths (each at the source line of the instruction that shows it)."""
    found: list[LoopFinding] = []
    inside = set(blocks)
    compares: dict[str, int | None] = {}
    codes_seen = set()

    def add(code, instruction, remark=""):
        if code not in codes_seen:
            codes_seen.add(code)
            found.append(finding(code, _user_line(ir.line_of(instruction)), source, remark))

    for name in blocks:
        for instruction in ir.blocks[name]:
            op = _opcode(instruction)
            if (
                op == "icmp"
                and " slt " in instruction
                and re.search(r", (zeroinitializer|0)(,|$)", instruction)
            ):
                compares[instruction.split(" = ")[0]] = None
            elif op == "select":
                condition = re.search(r"select (?:<\d+ x )?i1>? (%[\w.$-]+)", instruction)
                if (
                    condition
                    and condition.group(1) in compares
                    and "x double" not in (instruction)
                    and "x float" not in instruction
                    and " double " not in instruction
                ):
                    add("wraparound", instruction)
            elif op == "call":
                if "llvm.masked.gather" in instruction or "llvm.masked.scatter" in instruction:
                    add("gather", instruction)
                    continue
                callee = _CALLEE.search(instruction)
                name_ = callee.group(1) if callee else ""
                if name_.startswith("llvm."):
                    continue
                if name_.startswith("NRT_") or "allocate" in name_:
                    add("allocation", instruction)
                else:
                    add("call", instruction, f"calls {demangle(name_)}")
        for target in ir.successors.get(name, []):
            if target not in inside and _raises(ir, target):
                branch = ir.blocks[name][-1] if ir.blocks[name] else ""
                add("exception_path", branch)
    if vectorised and "wraparound" in codes_seen:
        found = [f for f in found if f.code != "gather"]  # the wraparound is why
    return found


def _raises(ir: IRFunction, start: str, depth: int = 3) -> bool:
    """Whether ``start`` leads (within a few blocks) to numba's raise: a store into the
    exception-info pointer, or ``ret i32 1``."""
    todo, seen = [(start, 0)], set()
    while todo:
        name, level = todo.pop()
        if name in seen or level > depth:
            continue
        seen.add(name)
        body = ir.blocks.get(name, [])
        if any("%excinfo" in i and i.startswith("store") for i in body) or any(
            i.startswith("ret i32 1") for i in body
        ):
            return True
        todo.extend((t, level + 1) for t in ir.successors.get(name, []))
    return False


def _add_remarks(lib, results, source, loops, prange_line) -> None:
    """Each remark to the loop it is about: a remark at a source line goes to the innermost
    source loop holding it; one at numba's gufunc lines to the parallel loop itself."""
    if lib.remarks is None:
        return
    for remark in lib.remarks:
        code = remark_code(remark)
        if code is None:
            continue
        line = _user_line(remark["line"])
        holder = innermost_loop(line, loops) if line is not None else None
        loop_line = holder[0] if holder else prange_line
        loop = results.get(loop_line)
        if loop is None and len(results) == 1:
            loop = next(iter(results.values()))
        if loop is None:
            continue
        words = f"{remark['message']} {remark['more']}".strip()
        if code == "vectorised":
            match = _VECTORISED.search(words)
            loop.width, loop.interleave = int(match.group(1)), int(match.group(2))
            loop.remarks.append(words)
            continue
        loop.remarks.append(words)
        if code in {f.code for f in loop.findings}:
            continue
        loop.findings.append(finding(code, line, source, remark=words))


def _ordered(loop: CompiledLoop) -> list[LoopFinding]:
    """The findings of a loop, the reason LLVM gave first; on a vectorised loop only those that
    still cost (wraparound, gathers, calls, allocations)."""
    order = list(FINDINGS)
    findings = sorted(loop.findings, key=lambda f: (not f.remark, order.index(f.code)))
    if loop.status == "vectorised":
        findings = [
            f
            for f in findings
            if f.code in ("wraparound", "gather", "call", "scalar_math", "allocation")
        ]
    return findings


# ------------------------------------------------------------------------------ the assembly

_ASM_LOC = re.compile(r"^\s*\.loc\s+\d+\s+(\d+)\s+\d+")
_ASM_LABEL = re.compile(r"^(\.?[\w.$]+):")
_ASM_JUMP = re.compile(r"^\s+j\w*\s+(\.?[\w.$]+)")
_PACKED = re.compile(r"\b(v\w+p[sd]|vp\w+|\w+p[sd])\b.*%[xyz]mm|gather|scatter")


def assembly(asm: str, symbol: str) -> list[tuple[str, int | None]]:
    """The instructions and labels of one function of an assembly listing, each with the
    candidate's source line its ``.loc`` gives (None: numba's code around the loop)."""
    lines, inside, current = [], False, None
    for raw in asm.splitlines():
        if not inside:
            inside = raw.startswith(f"{symbol}:")
            continue
        if raw.startswith(".Lfunc_end"):
            break
        loc = _ASM_LOC.match(raw)
        if loc:
            current = _user_line(int(loc.group(1)))
            continue
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", ".cfi", ".p2align")):
            continue
        if stripped.startswith(".") and not _ASM_LABEL.match(raw):
            continue  # directives
        text = raw.split("#")[0].rstrip().replace("\t", " ").strip()
        if _ASM_LABEL.match(raw) and not raw.startswith(".Ltmp"):
            lines.append((text, None))
        elif not raw.startswith(".Ltmp"):
            lines.append(("  " + text, current))
    return lines


def asm_loops(lines: list[tuple[str, int | None]]) -> list[tuple[int, int]]:
    """Innermost loops of a listing: a label and a later jump back to it."""
    labels = {}
    spans = []
    for index, (text, _) in enumerate(lines):
        label = _ASM_LABEL.match(text)
        if label:
            labels[label.group(1)] = index
        jump = _ASM_JUMP.match(text)
        if jump and jump.group(1) in labels:
            spans.append((labels[jump.group(1)], index))
    return [
        (a, b)
        for a, b in spans
        if not any((c, d) != (a, b) and a <= c and d <= b for c, d in spans)
    ]


def _add_assembly(lib: Library, results: dict[int, CompiledLoop]) -> None:
    listing = assembly(lib.asm, lib.symbol)
    spans = asm_loops(listing)
    taken = set()
    for loop in results.values():
        if loop.status == "no_loop":
            continue
        want = {c.line for c in loop.ir if c.line is not None}
        best, score = None, None
        for span in spans:
            if span in taken:
                continue
            body = listing[span[0] : span[1] + 1]
            lines = {line for _, line in body if line is not None}
            packed = any(_PACKED.search(text) for text, _ in body)
            # the remainder loops after a vector or unrolled loop are the short ones
            value = (len(lines & want), packed == (loop.status == "vectorised"), len(body))
            if score is None or value > score:
                best, score = span, value
        if best is None:
            continue
        taken.add(best)
        body = listing[best[0] : best[1] + 1]
        loop.asm = [CodeLine(text=text, line=line) for text, line in body[:LISTING_LINES]]
        loop.counts["asm_instructions"] = sum(1 for text, _ in body if text.startswith("  "))
        calls = [text for text, _ in body if re.match(r"\s+call", text)]
        loop.counts["asm_calls"] = len(calls)
        if calls and loop.status == "vectorised" and loop.counts.get("calls", 0) == 0:
            math = next((c for c in loop.ir if re.search(r"@llvm\.[a-z]+\.v\d+f", c.text)), None)
            line = next((c.line for c in loop.ir if c.line is not None), None)
            found = finding("scalar_math", line, lib.source)
            if math is not None:
                found.remark = math.text.strip()[:200]
            loop.findings.append(found)


# ------------------------------------------------------------------------------ the builds


def shifted(py_func):
    """``py_func`` with every line number moved down by ``OFFSET`` (same code, same globals)."""
    code = py_func.__code__
    moved = types.FunctionType(
        code.replace(co_firstlineno=code.co_firstlineno + OFFSET),
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
    with warnings.catch_warnings(), remarks() as captured:
        warnings.simplefilter("ignore")
        dispatcher.compile(signature)
    return dispatcher.overloads[dispatcher.signatures[0]], captured


def analyse_parallel(py_func, options: dict, args: tuple, source: str) -> CodegenResult:
    """The analysis build of a parallel kernel: one CompiledLoop per innermost loop of every
    gufunc numba made."""
    started = time.perf_counter()
    result = CodegenResult(status="analysed")
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
        line = _user_line(gufuncs.pop(library.name))
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
    result.loops.sort(key=lambda c: (c.prange_line or 0, c.line))
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
    return analyse_library(lib, lines, loops, None, py_func.__name__, "serial")


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
            line = _user_line(getattr(getattr(statement, "loc", None), "line", None))
            target = getattr(getattr(statement, "target", None), "name", "")
            if target and not target.startswith("$"):
                out.append(f"line {line}: `{target}` computed once, before the loop")
    return out


def compare_real(real_compiled, result: CodegenResult) -> None:
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


# ------------------------------------------------------------------------------ the child's entry


def sidecar(source_path: Path, function: str) -> Path:
    return source_path.with_suffix(f".{function}.codegen.json")


def run(dispatcher, py_func, options: dict, args: tuple, source: str, source_path: Path,
        signature: str, cached: bool) -> CodegenResult:  # fmt: skip
    """The compiled view of a compiled candidate, never raising: from the sidecar when the
    compile hit numba's cache, else from the analysis build (then saved beside the source)."""
    path = sidecar(source_path, py_func.__name__)
    if cached:
        try:
            saved = json.loads(path.read_text()).get(signature)
        except (OSError, ValueError):
            saved = None
        if saved is not None:
            from ..results import from_dict

            result = from_dict(CodegenResult, saved)
            result.cached = True
            return result
    try:
        result = analyse_parallel(py_func, options, args, source)
    except Exception as exc:  # noqa: BLE001 - numba internals: a view we cannot make is a note
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return CodegenResult(
            status="failed",
            notes=[f"the compiled view could not be made: {type(exc).__name__}: {first}"[:300]],
        )
    if not cached:
        try:
            compare_real(dispatcher.overloads[dispatcher.signatures[0]], result)
        except Exception as exc:  # noqa: BLE001
            result.notes.append(f"not compared with the candidate's own build: {exc}"[:300])
        try:
            saved = json.loads(path.read_text()) if path.exists() else {}
            saved[signature] = result.to_dict()
            path.write_text(json.dumps(saved))
        except (OSError, ValueError):
            pass
    else:
        result.notes.append(
            "numba's cache held this kernel without a stored view: made from a fresh build"
        )
    return result


def explain_job(session) -> None:
    """The ``codegen`` job of ``parevo explain``: compile the candidate for the task's inputs
    at the check size, then the compiled view of its loops and of the reference's loops."""
    from ..results import CompileError, CompileResult
    from ..task import CHECK_SEEDS
    from . import compile as compile_stage
    from .verify import _import_error

    emit, job = session.emit, session.job
    args = session.inputs(session.job["sizes"]["check"], CHECK_SEEDS[0])
    problem = session.import_candidate()
    if problem is not None:
        emit(
            {
                "type": "compile",
                "result": CompileResult(ok=False, error=_import_error(session, problem)),
            }
        )
        return
    emit.phase("compile", "compiling the candidate (numba parallel=True)", compile=True)
    try:
        py_func, options = compile_stage.load_function(session.candidate_module, job["function"])
    except LookupError as exc:
        error = CompileError(kind="not_found", summary=str(exc))
        emit({"type": "compile", "result": CompileResult(ok=False, error=error)})
        return
    kernel = compile_stage.jit(py_func, options)
    result = compile_stage.compile_dispatcher(
        kernel, args, session.candidate_path, session.candidate_source
    )
    emit({"type": "compile", "result": result})
    if not result.ok:
        return
    emit.phase("codegen", "reading what LLVM made of each loop", compile=True)
    view = run(
        kernel, py_func, options, args, session.candidate_source, session.candidate_path,
        result.signature, result.cached,
    )  # fmt: skip
    if view.status == "analysed":
        emit.phase("codegen", "reading what LLVM made of the reference's loops", compile=True)
        reference = session.task.reference
        try:
            source = Path(reference.__code__.co_filename).read_text(encoding="utf-8")
            view.serial = analyse_serial(reference, args, source)
        except Exception as exc:  # noqa: BLE001 - numba may refuse the reference: a note
            first = (str(exc).strip().splitlines() or [""])[0]
            view.notes.append(
                f"the reference's loops are not shown: numba cannot compile it serially "
                f"({type(exc).__name__}: {first[:160]})"
            )
    emit({"type": "codegen", "result": view})
