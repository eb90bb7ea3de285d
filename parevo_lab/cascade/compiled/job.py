"""The ``explain`` job of ``parevo explain`` (runs in the sandboxed child)."""

from __future__ import annotations

from pathlib import Path

from ...task import CHECK_SEEDS
from ..verify import compile_candidate
from . import run
from .build import analyse_serial


def explain_job(session) -> None:
    """The ``explain`` job of ``parevo explain``: compile the candidate for the task's inputs
    at the check size, then the compiled view of its loops and of the reference's loops."""
    emit = session.emit
    args = session.inputs(session.job["sizes"]["check"], CHECK_SEEDS[0])
    built = compile_candidate(session, args)
    if built is None:
        return
    kernel, py_func, options, args, result = built
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
