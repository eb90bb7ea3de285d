"""The ``explain`` job of ``parevo explain`` (runs in the sandboxed child)."""

from __future__ import annotations

from pathlib import Path

from ...results import CompileError, CompileResult
from ...task import CHECK_SEEDS
from .. import compile as compile_stage
from ..verify import import_error
from . import run
from .build import analyse_serial


def explain_job(session) -> None:
    """The ``explain`` job of ``parevo explain``: compile the candidate for the task's inputs
    at the check size, then the compiled view of its loops and of the reference's loops."""
    emit, job = session.emit, session.job
    args = session.inputs(session.job["sizes"]["check"], CHECK_SEEDS[0])
    problem = session.import_candidate()
    if problem is not None:
        emit(
            {
                "type": "compile",
                "result": CompileResult(ok=False, error=import_error(session, problem)),
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
    emit.phase("compiled", "reading what LLVM made of each loop", compile=True)
    view = run(
        kernel, py_func, options, args, session.candidate_source, session.candidate_path,
        result.signature, result.cached,
    )  # fmt: skip
    if view.status == "analysed":
        emit.phase("compiled", "reading what LLVM made of the reference's loops", compile=True)
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
    emit({"type": "compiled", "result": view})
