"""The loops of one compiled function: each innermost IR loop tied to the innermost source loop
its instructions come from, its status (vectorised, not, or no loop left), its findings (LLVM's
remarks first, then what the IR shows), its IR and assembly listings and counts."""

from __future__ import annotations

import ast
import re

from ...results import CodeLine, CompiledLoop, LoopFinding
from ..compile import is_prange
from . import remarks as llvm_remarks
from .asm import PACKED, asm_loops, assembly, user_line
from .findings import FINDINGS, finding
from .ir import CALLEE, VECTOR_TYPE, IRFunction, counts, demangle, locations, opcode

LISTING_LINES = 400  # most lines of IR or assembly kept per loop
# numba's wraparound of a signed index: `%t = icmp slt i64 %i, 0` then `select i1 %t, i64 ...`
# (for `i + 1`, LLVM folds the offset: `icmp slt i64 %i, -1`, `splat (i64 -1)` in a vector)
_NEGATIVE_TEST = re.compile(
    r"icmp slt (?:<\d+ x i64>|i64) %[\w.$-]+, "
    r"(?:zeroinitializer|0|-\d+|splat \(i64 -\d+\))(?:,|$)"
)
_INDEX_SELECT = re.compile(r"select (?:<\d+ x i1>|i1) (%[\w.$-]+), (?:<\d+ x i64>|i64) ")


def source_loops(source: str, function: str) -> list[tuple[int, int, bool]]:
    """(first line, last line, is prange) of every for/while loop of ``function`` in ``source``."""
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


class Library:
    """One compiled function of a numba code library, in the analysis build: its IR, its
    assembly, its remarks."""

    def __init__(self, library, symbol: str, remarks: list[str] | None, source: dict[int, str]):
        self.source = source
        module = library._final_module
        text = str(module)
        self.symbol = symbol
        self.asm = library.get_asm_str()
        self.remarks = llvm_remarks.parse(remarks) if remarks is not None else None
        body = str(module.get_function(symbol))
        self.function = IRFunction(body, locations(text))
        self.memset_only = "llvm.memset" in body or "llvm.memcpy" in body


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
        lines = [user_line(ir.line_of(i)) for _, i in instructions]
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
        tally = counts([i for _, i in instructions])
        earlier = results.get(loop_line)
        if earlier is not None and (
            earlier.status == "vectorised"
            or (not vectorised and earlier.counts["instructions"] >= tally["instructions"])
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
            widths = [int(w) for _, i in instructions for w, _ in VECTOR_TYPE.findall(i)]
            loop.width = max(widths) if widths else None
        loop.counts = tally
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
                CodeLine(text="  " + instruction, line=user_line(ir.line_of(instruction)))
            )
    if len(listing) > LISTING_LINES:
        listing = listing[:LISTING_LINES] + [CodeLine(text="  ... (cut)", line=None)]
    return listing


def _ir_findings(ir: IRFunction, blocks: list[str], source: dict[int, str], vectorised: bool):
    """What the IR itself shows: wraparound selects, gathers, calls, allocations, exception
    paths (each at the source line of the instruction that shows it)."""
    found: list[LoopFinding] = []
    inside = set(blocks)
    negative_tests: set[str] = set()  # `icmp slt %i, 0`: is the index negative?
    codes_seen = set()

    def add(code, instruction, remark=""):
        if code not in codes_seen:
            codes_seen.add(code)
            found.append(finding(code, user_line(ir.line_of(instruction)), source, remark))

    for name in blocks:
        for instruction in ir.blocks[name]:
            op = opcode(instruction)
            if op == "icmp" and _NEGATIVE_TEST.search(instruction):
                negative_tests.add(instruction.split(" = ")[0])
            elif op == "select":
                chosen = _INDEX_SELECT.search(instruction)  # choosing an index, not a value
                if chosen and chosen.group(1) in negative_tests:
                    add("wraparound", instruction)
            elif op == "call":
                if "llvm.masked.gather" in instruction or "llvm.masked.scatter" in instruction:
                    add("gather", instruction)
                    continue
                callee = CALLEE.search(instruction)
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
        code = llvm_remarks.code_of(remark)
        if code is None:
            continue
        line = user_line(remark["line"])
        holder = innermost_loop(line, loops) if line is not None else None
        loop_line = holder[0] if holder else prange_line
        loop = results.get(loop_line)
        if loop is None and len(results) == 1:
            loop = next(iter(results.values()))
        if loop is None:
            continue
        words = f"{remark['message']} {remark['more']}".strip()
        if code == "vectorised":
            match = llvm_remarks.VECTORISED.search(words)
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
    said = [f.remark.startswith("loop not vectorized") for f in loop.findings]
    ranked = sorted(
        zip(said, loop.findings, strict=True), key=lambda p: (not p[0], order.index(p[1].code))
    )
    findings = [f for _, f in ranked]
    if loop.status == "vectorised":
        findings = [
            f
            for f in findings
            if f.code in ("wraparound", "gather", "call", "scalar_math", "allocation")
        ]
    return findings


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
            packed = any(PACKED.search(text) for text, _ in body)
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
