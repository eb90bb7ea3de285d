"""Compile + verify job (runs in the sandboxed child).

Order matters: a serial boundscheck build runs first, so an out-of-bounds write becomes a clear
``runtime_error`` with its line instead of silent heap damage in the parallel build (its np.empty
arrays are poisoned, so a read of memory never written fails too); then every seed at the check
size and every edge size runs at every thread count; then, at the most threads, two inputs between
the check and the bench size and one at the bench size, so a kernel that is only right on small
inputs fails.
"""

from __future__ import annotations

import time
import traceback

from ..results import CompileError, CompileResult, Failure, SourceSite, VerifyCase
from ..sandbox import limit_note
from ..task import (
    CHECK_SEEDS,
    EDGE_SEEDS,
    EDGE_SIZES,
    LARGE_SEEDS,
    Mismatch,
    fresh_copy,
    judge,
    large_size,
)
from . import compile as compile_stage
from . import poison, races

REPEATS = 3  # extra runs at the most threads: the differential layer of race detection


class _Stop(Exception):
    """A gate failed; the failure event has been emitted."""


class Cases:
    """The verification inputs of one task and the reference's outputs on them, made on first
    use and kept: the verify job uses them once, an audit for every mutant."""

    def __init__(self, session):
        self.session = session
        self.sizes = session.job["sizes"]
        self.large_size = large_size(self.sizes)  # None when the bench size is not above check
        self._base = self._edges = self._check = self._large = self._bench = None
        self._reference = None

    @property
    def base(self):
        """(args, expected) at the check size, first seed."""
        if self._base is None:
            self._base = _prepare(self.session, self.sizes["check"], CHECK_SEEDS[0])
        return self._base

    def reference(self):
        """The serial numba build of the reference (None if numba refuses), emitted once."""
        if self._reference is None:
            jitted, note = compile_reference(self.session, self.base[0])
            self.session.emit({"type": "reference", "compiled": jitted is not None, "note": note})
            self._reference = (jitted,)
        return self._reference[0]

    @property
    def edges(self) -> dict:
        """{(size, seed): (args, expected)} at the edge sizes, every edge seed; a size outside
        the task's domain (make_inputs or the reference raises) is skipped, and said so."""
        if self._edges is None:
            self._edges = {}
            for size in EDGE_SIZES:
                for seed in EDGE_SEEDS:
                    try:
                        self._edges[size, seed] = _prepare(self.session, size, seed)
                    except Exception as exc:  # noqa: BLE001 - TaskProblem: outside the domain
                        message = f"size {size} skipped: {exc}"
                        self.session.emit({"type": "skipped", "message": message})
                        break
        return self._edges

    @property
    def check(self) -> dict:
        """{seed: (args, expected)} at the check size."""
        if self._check is None:
            self._check = {CHECK_SEEDS[0]: self.base}
            for seed in CHECK_SEEDS[1:]:
                self._check[seed] = _prepare(self.session, self.sizes["check"], seed)
        return self._check

    @property
    def large(self) -> dict:
        """{seed: (args, expected)} at ``large_size`` (the compiled reference's outputs)."""
        if self._large is None:
            size = self.large_size
            self._large = {}
            for seed in LARGE_SEEDS if size is not None else ():
                self._large[seed] = self._compiled_expected(size, seed, "large size")
        return self._large

    @property
    def bench(self):
        """(args, expected) at the bench size (the compiled reference's outputs), or None."""
        if self._bench is None and self.sizes["bench"] != self.sizes["check"]:
            self._bench = self._compiled_expected(self.sizes["bench"], CHECK_SEEDS[0], "bench size")
        return self._bench

    def _compiled_expected(self, size: int, seed: int, what: str):
        session = self.session
        args = session.inputs(size, seed)
        reference = self.reference() or session.task.reference
        return args, session.expected(reference, args, f"reference at {what} {size}")


def run(session) -> None:
    """The verify job: one candidate; then, when it compiled, the compiled view of its loops
    (last: a view that cannot be made never stands between a candidate and its verdict)."""
    cases = Cases(session)
    cases.reference()
    session.kernel_build = None
    verify_candidate(session, cases)
    if session.job.get("behaviour"):
        describe_reference(session, cases)
    if session.kernel_build is not None and session.job.get("compiled_view", True):
        compiled_view(session)


def describe_reference(session, cases) -> None:
    """What the reference's outputs look like, for the templates (``behaviour.probe``); a probe
    that fails is said so, never a verdict on the candidate."""
    from . import behaviour

    session.emit.phase("behaviour", "probing what the reference's outputs look like")
    try:
        found = behaviour.probe(session, cases)
    except Exception as exc:  # noqa: BLE001 - TaskProblem included: the verdict stands
        found = {"inputs": None, "matches": [], "note": f"the probe failed: {exc}"}
    session.emit({"type": "behaviour", "result": found})


def compiled_view(session) -> None:
    from . import compiled

    kernel, py_func, options, args, result = session.kernel_build
    session.emit.phase("compiled", "reading what LLVM made of each loop", compile=True)
    view = compiled.run(
        kernel, py_func, options, args, session.candidate_source, session.candidate_path,
        result.signature, result.cached,
    )  # fmt: skip
    session.emit({"type": "compiled", "result": view})


def compile_candidate(session, args: tuple, cache: bool = True):
    """Import the session's candidate, find its kernel and compile it for ``args``, emitting the
    compile result. Returns (kernel, py_func, options, args, result) when it compiled, else
    None (the emitted result says why)."""
    job, emit = session.job, session.emit

    def compile_failed(error: CompileError) -> None:
        emit({"type": "compile", "result": CompileResult(ok=False, error=error)})

    problem = session.import_candidate()
    if problem is not None:
        return compile_failed(import_error(session, problem))
    emit.phase("compile", "compiling the candidate (numba parallel=True)", compile=True)
    try:
        py_func, options = compile_stage.load_function(session.candidate_module, job["function"])
    except LookupError as exc:
        return compile_failed(CompileError(kind="not_found", summary=str(exc)))
    names = session.argument_names()
    mismatch = compile_stage.arity_problem(py_func, job["function"], len(args), names)
    if mismatch is not None:
        return compile_failed(mismatch)
    kernel = compile_stage.jit(py_func, options, cache=cache)
    result = compile_stage.compile_dispatcher(
        kernel, args, session.candidate_path, session.candidate_source
    )
    emit({"type": "compile", "result": result})
    return (kernel, py_func, options, args, result) if result.ok else None


def verify_candidate(session, cases: Cases, cache: bool = True) -> bool:
    """Compile the session's candidate, then run every verification case in order; True when
    it passed them all (each result is emitted as it comes)."""
    job, emit = session.job, session.emit
    threads = list(job["threads"])
    names = session.argument_names()
    base = cases.base
    built = compile_candidate(session, base[0], cache)
    if built is None:
        return False
    session.kernel_build = built
    kernel, py_func, _, _, result = built

    checked_py, poisoned = poison.poisoned(py_func)
    runner = _Runner(session, py_func, names, checked_py, poisoned)
    edges = cases.edges
    try:
        # 1. serial boundscheck pass: out-of-bounds accesses become IndexError with a line, and
        # np.empty arrays start poisoned, so a read of an element never written shows.
        checked = _boundscheck_build(session, checked_py, base[0])
        if checked is not None:
            at_check = ((cases.sizes["check"], CHECK_SEEDS[0]), base)
            at_large = [((cases.large_size, seed), case) for seed, case in cases.large.items()]
            for (size, seed), (args, expected) in [at_check, *edges.items(), *at_large]:
                runner.case("boundscheck", size, seed, 1, checked, args, expected)
        # 2. races: lint + shadow replay on every check-size seed, before any parallel run.
        check_inputs = cases.check
        if job.get("races", True):
            inputs = [args for args, _ in check_inputs.values()]
            report = races.run(session, job["function"], inputs, threads, result.loops)
            emit({"type": "races", "result": report})
        # 3. the parallel build: every seed at the check size (the first one repeated: a race
        # may fire only now and then), then the edge sizes.
        for seed, (args, expected) in check_inputs.items():
            for p in threads:
                runner.case("check", cases.sizes["check"], seed, p, kernel, args, expected)
        for _ in range(REPEATS if max(threads) > 1 else 0):
            args, expected = base
            runner.case(
                "repeat", cases.sizes["check"], CHECK_SEEDS[0], max(threads), kernel, args, expected
            )
        for (size, seed), (args, expected) in edges.items():
            for p in threads:
                runner.case("edge", size, seed, p, kernel, args, expected)
        # 4. large and bench sizes at the most threads, against the compiled reference when
        # there is one.
        for seed, (args, expected) in cases.large.items():
            runner.case("large", cases.large_size, seed, max(threads), kernel, args, expected)
        bench = cases.bench
        if bench is not None:
            args, expected = bench
            size = cases.sizes["bench"]
            runner.case("bench", size, CHECK_SEEDS[0], max(threads), kernel, args, expected)
    except _Stop:
        return False
    return True


def _prepare(session, size: int, seed: int):
    """Inputs at ``size`` and the pure-Python reference's outputs on them (TaskProblem if either fails)."""
    args = session.inputs(size, seed)
    return args, session.expected(session.task.reference, args, f"reference at size {size}")


def _boundscheck_build(session, py_func, args):
    """A serial (prange runs as range) build with bounds checks; None when numba refuses it."""
    session.emit.phase("compile", "compiling a serial boundscheck build", compile=True)
    checked = compile_stage.jit(py_func, {"boundscheck": True}, cache=False)
    try:
        checked.compile(compile_stage.signature_of(args))
    except Exception as exc:  # noqa: BLE001
        session.emit(
            {
                "type": "skipped",
                "message": f"boundscheck pass skipped: numba refused the serial "
                f"build ({type(exc).__name__})",
            }
        )
        return None
    return checked


def compile_reference(session, args):
    """The serial numba build of the reference: the vs_serial baseline. None if numba refuses."""
    session.emit.phase("compile", "compiling the reference (numba, serial)", compile=True)
    try:
        reference = compile_stage.jit(session.task.reference, {})
        reference.compile(compile_stage.signature_of(args))
    except Exception as exc:  # noqa: BLE001
        first = str(exc).strip().splitlines()
        reason = next(
            (ln.strip() for ln in first if ln.strip() and not ln.startswith("Failed in")), ""
        )
        return None, (
            f"numba cannot compile the reference ({type(exc).__name__}: {reason[:160]}); "
            "the pure-Python reference is the baseline instead"
        )
    return reference, "reference compiled with numba (serial): the vs_serial baseline"


def import_error(session, exc: BaseException) -> CompileError:
    tb = "".join(traceback.format_exception(exc))
    site = _site_in(exc, session.candidate_path, session.candidate_source)
    where = f"line {site.line}: " if site else ""
    return CompileError(
        kind="import",
        summary=f"{where}importing the candidate raised {type(exc).__name__}: {str(exc)[:200]}"
        f"{limit_note(exc)}",
        site=site,
        full_text=tb,
    )


def _site_in(exc: BaseException, path, source: str) -> SourceSite | None:
    """The innermost traceback frame inside the candidate's file."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == str(path):
            line = frame.lineno
    if not line:
        return None
    lines = source.splitlines()
    return SourceSite(line=line, text=lines[line - 1] if line <= len(lines) else "")


class _Runner:
    def __init__(self, session, py_func, names, checked_py=None, poisoned: int = 0):
        self.session = session
        self.py_func = py_func
        self.checked_py = checked_py or py_func  # the boundscheck build's (poisoned) source
        self.poisoned = poisoned  # np.empty allocations poisoned in the boundscheck build
        self.names = names

    def case(self, kind, size, seed, threads, function, args, expected) -> None:
        import numba

        emit = self.session.emit
        case = VerifyCase(kind=kind, size=size, seed=seed, threads=threads, passed=False)
        what = f"size {size}, seed {seed}, {threads} thread{'s' if threads > 1 else ''}"
        if kind == "boundscheck":
            what = f"serial boundscheck build, size {size}, seed {seed}"
        emit.phase("run", f"{kind}: {what}", case=case.to_dict())
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        actual_args = fresh_copy(args)
        start = time.perf_counter()
        try:
            actual = function(*actual_args)
        except Exception as exc:  # noqa: BLE001 - the candidate raised: a verdict
            case.seconds = time.perf_counter() - start
            self._runtime_failure(exc, case, what, args)
        case.seconds = time.perf_counter() - start
        try:
            self._compare(expected, actual, actual_args, args)
        except Mismatch as exc:
            prefix = "wrong even when run serially: " if kind == "boundscheck" else ""
            emit(
                {
                    "type": "failure",
                    "failure": Failure(
                        verdict="wrong",
                        message=f"{prefix}{exc} ({what}){self._poison_note(kind)}",
                        case=case,
                    ),
                }
            )
            raise _Stop from None
        case.passed = True
        emit({"type": "case", "case": case})

    def _compare(self, expected, actual, actual_args, original_args) -> None:
        session = self.session
        judge(
            expected,
            actual,
            actual_args,
            self.names,
            session.check,
            original_args,
            session.tolerance,
        )

    def _poison_note(self, kind: str) -> str:
        if kind != "boundscheck" or not self.poisoned:
            return ""
        return (
            "; this build fills np.empty arrays with NaN or a huge integer first, so reading "
            "an element never written fails here"
        )

    def _runtime_failure(self, exc, case, what, args) -> None:
        emit = self.session.emit
        message = _describe_exception(exc)
        note = self._poison_note(case.kind)
        failure = Failure(
            verdict="runtime_error",
            message=f"{message} ({what}){note}",
            case=case,
            detail="".join(traceback.format_exception_only(exc)),
        )
        emit({"type": "failure", "failure": failure})
        # numba's exceptions carry no line: replay the kernel as plain Python to find it.
        if case.size <= self.session.job["sizes"]["check"]:
            emit.phase("locate", "finding the failing line with a pure-Python replay")
            replay = self.checked_py if case.kind == "boundscheck" else self.py_func
            try:
                replay(*fresh_copy(args))
            except type(exc) as replayed:
                site = _site_in(
                    replayed, self.session.candidate_path, self.session.candidate_source
                )
                if site is not None:
                    # The replay's error is often more precise (numpy names the index and size).
                    replay_error = "".join(traceback.format_exception_only(replayed)).strip()
                    failure.message = (
                        f"{message.split(':', 1)[0]} at line {site.line}: "
                        f"`{site.text.strip()}` ({replay_error}; {what}){note}"
                    )
                    failure.site = site
                    emit({"type": "failure", "failure": failure})
            except BaseException:  # noqa: BLE001 - the replay is only a hint
                pass
        raise _Stop


def _describe_exception(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    if isinstance(exc, IndexError):
        return f"out-of-bounds access: IndexError: {first or 'index is out of bounds'}"
    if isinstance(exc, MemoryError):
        return f"out of memory: MemoryError: {first}{limit_note(exc)}"
    return f"the kernel raised {type(exc).__name__}: {first}{limit_note(exc)}"
