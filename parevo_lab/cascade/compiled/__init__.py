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

Runs in the sandboxed child (the verify job after the compile, or the ``explain`` job of ``parevo
explain``); at a cold compile the result is stored beside the source like the loop diagnostics,
so a cache hit shows it too.
"""

from __future__ import annotations

import json
from pathlib import Path

from ...results import CompiledView, from_dict
from .build import OFFSET, analyse_parallel, analyse_serial, compare_real
from .findings import FINDINGS, loop_summary

__all__ = ["FINDINGS", "OFFSET", "analyse_parallel", "analyse_serial", "run", "sidecar"]


def sidecar(source_path: Path, function: str) -> Path:
    return source_path.with_suffix(f".{function}.compiled.json")


def run(dispatcher, py_func, options: dict, args: tuple, source: str, source_path: Path,
        signature: str, cached: bool) -> CompiledView:  # fmt: skip
    """The compiled view of a compiled candidate, never raising: from the sidecar when the
    compile hit numba's cache, else from the analysis build (then saved beside the source)."""
    path = sidecar(source_path, py_func.__name__)
    if cached:
        try:
            saved = json.loads(path.read_text()).get(signature)
        except (OSError, ValueError):
            saved = None
        if saved is not None:
            result = from_dict(CompiledView, saved)
            result.cached = True
            for loop in [*result.loops, *result.serial]:  # a view stored before summaries
                loop.summary = loop.summary or loop_summary(loop)
            return result
    try:
        result = analyse_parallel(py_func, options, args, source)
    except Exception as exc:  # noqa: BLE001 - numba internals: a view we cannot make is a note
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        return CompiledView(
            status="failed",
            notes=[f"the compiled view could not be made: {type(exc).__name__}: {first}"[:300]],
        )
    if not cached:
        try:
            compare_real(dispatcher.overloads[dispatcher.signatures[0]], result)
        except Exception as exc:  # noqa: BLE001
            result.notes.append(f"not compared with the candidate's own build: {exc}"[:300])
    try:  # beside the source, for the next check that hits numba's cache
        saved = json.loads(path.read_text()) if path.exists() else {}
        saved[signature] = result.to_dict()
        path.write_text(json.dumps(saved))
    except (OSError, ValueError):
        pass
    if cached:  # numba's cache keeps no IR of the kernel: nothing to compare with
        result.notes.append(
            "numba's cache held this kernel without a stored view: made from a fresh build"
        )
    return result
