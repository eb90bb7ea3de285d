"""LLVM's loop-vectoriser remarks, caught per numba code library.

``-pass-remarks*=loop-vectorize`` make LLVM write its passed, missed and analysis remarks to the
process's stderr as it optimises; a hook on numba's ``CPUCodeLibrary._optimize_final_module``
sends fd 2 to a file while a library is optimised, so each remark is known to belong to one
library (and every parallel loop is a library of its own). ``capture`` turns this on for a
block; ``parse`` and ``code_of`` read the remarks."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile

_REMARK_OPTIONS = ("-pass-remarks", "-pass-remarks-missed", "-pass-remarks-analysis")
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
    ("uncountable loop", "trip_count"),
    ("induction variable could not be identified", "trip_count"),
    ("early exit", "control_flow"),
    ("control flow", "control_flow"),
    ("unsupported switch", "control_flow"),
    ("number of successors", "control_flow"),
    ("instruction cannot be vectorized", "instruction"),
    ("vectorization is not beneficial", "not_beneficial"),
]
VECTORISED = re.compile(r"vectorized loop \(vectorization width: (\d+), interleaved count: (\d+)\)")
_REMARK = re.compile(r"^remark: (.*?):(\d+):(\d+): (.*)$")
_IGNORED_REMARKS = ("explicitly disabled", "interleaving is not beneficial")


_capturing: list[dict] = []  # the active captures, innermost last
_hooked = False


def install_hook() -> bool:
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
def capture():
    """The loop vectoriser's remarks of every library numba optimises in the block, by library
    name (a list of texts: numba optimises a library more than once); None when they cannot be
    had."""
    if not install_hook():
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


def parse(texts: list[str]) -> list[dict]:
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


def code_of(remark: dict) -> str | None:
    """The finding a remark stands for; None for a remark that says nothing about this loop."""
    words = f"{remark['message']} {remark['more']}"
    if any(ignored in words for ignored in _IGNORED_REMARKS):
        return None
    if VECTORISED.search(words):
        return "vectorised"
    lowered = words.lower()
    for needle, code in _REMARK_CODES:
        if needle.lower() in lowered:
            return code
    if remark["message"].strip() == "loop not vectorized":
        return None  # the summary line after the specific reason
    return "other" if "not vectorized" in lowered else None
