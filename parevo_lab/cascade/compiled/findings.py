"""What the compiled view can say about a loop: a code, a title, plain words and the usual fix
(``FINDINGS``), and ``finding`` to make one at a source line."""

from __future__ import annotations

from ...results import LoopFinding

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


def loop_summary(loop) -> str:
    """One loop of the compiled view in one line, as `parevo check` prints it and the panel shows
    it ("line 9: parallel, vectorised x8, interleave 1; but signed index wraparound at line 10
    `out[i] = 2.0 * x[i]`"): made here, once, for every front end."""
    role = {"parallel": "parallel", "serialised": "prange numba ran serially"}.get(
        loop.role, "serial (reference)"
    )
    if loop.role == "serialised" and loop.line != loop.prange_line:
        role = f"inner loop of the prange at line {loop.prange_line}, which numba ran serially"
    elif loop.origin == "array_expression":
        role += " array expression"
    elif loop.role == "parallel" and loop.line != loop.prange_line:
        role = f"inner loop of the prange at line {loop.prange_line}"
    if loop.status == "no_loop":
        return f"line {loop.line}: {role}, no loop left: became memset/memcpy"
    if loop.status == "vectorised":
        lanes = f"x{loop.width}" if loop.width else ""
        interleave = f", interleave {loop.interleave}" if loop.interleave else ""
        head = f"line {loop.line}: {role}, vectorised {lanes}{interleave}".rstrip()
        costs = [_finding_text(f) for f in loop.findings]
        return head + (f"; but {'; '.join(costs)}" if costs else "")
    reasons = [_finding_text(f) for f in loop.findings] or ["no reason given"]
    return f"line {loop.line}: {role}, NOT vectorised: {'; '.join(reasons)}"


def _finding_text(found) -> str:
    at = ""
    if found.line:
        expression = (
            found.expression if len(found.expression) <= 48 else (found.expression[:45] + "...")
        )
        at = f" at line {found.line}" + (f" `{expression}`" if expression else "")
    return f"{found.title}{at}"
