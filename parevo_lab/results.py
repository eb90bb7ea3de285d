"""The one schema of an evaluation: stage results and the report that holds them.

Every consumer (CLI, store, REST API, front end, repair prompts) reads these dataclasses or their
``to_dict()`` form; nobody re-parses text.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

VERDICTS = ("ok", "compile_error", "runtime_error", "timeout", "wrong", "race")
SCHEMA_VERSION = 1


def _plain(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    return obj


class Serialisable:
    def to_dict(self) -> dict:
        return _plain(self)


@dataclass
class SourceSite(Serialisable):
    """A place in the candidate's source: 1-based line, 0-based column, the line's text."""

    line: int
    text: str = ""
    column: int | None = None


@dataclass
class CompileError(Serialisable):
    kind: str  # "syntax", "typing", "lowering", "internal", "import", "not_found"
    summary: str  # one line a person reads first
    site: SourceSite | None = None
    full_text: str = ""


@dataclass
class CompileWarning(Serialisable):
    category: str  # e.g. "NumbaParallelSafetyWarning"
    message: str
    line: int | None = None


@dataclass
class ParallelLoop(Serialisable):
    """One ``prange`` loop of the source and what numba made of it."""

    line: int
    status: str  # "parallel", "fused", "serialised", "not_parallel"
    detail: str = ""
    reductions: list[str] = field(default_factory=list)


@dataclass
class CompileResult(Serialisable):
    ok: bool
    seconds: float = 0.0  # numba compile time of the candidate, apart from any run time
    cached: bool = False  # loaded from numba's on-disk cache
    signature: str = ""
    parallel: bool = True  # compiled with parallel=True
    error: CompileError | None = None
    warnings: list[CompileWarning] = field(default_factory=list)
    loops: list[ParallelLoop] = field(default_factory=list)
    reference_compiled: bool = False
    reference_note: str = ""
    notes: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # numba type of each named local


@dataclass
class VerifyCase(Serialisable):
    kind: str  # "boundscheck", "check", "repeat", "edge", "large", "bench"
    size: int
    seed: int
    threads: int
    passed: bool
    seconds: float = 0.0


@dataclass
class Failure(Serialisable):
    """Why a gate failed: the verdict it implies, a one-line message, and where."""

    verdict: str
    message: str
    case: VerifyCase | None = None
    site: SourceSite | None = None
    detail: str = ""


@dataclass
class VerifyResult(Serialisable):
    passed: bool
    cases: list[VerifyCase] = field(default_factory=list)
    failure: Failure | None = None
    skipped: list[str] = field(default_factory=list)  # sizes make_inputs/reference refused


@dataclass
class RacesResult(Serialisable):
    """Race report entries (DESIGN.md): array, element index, kind, both sites with line, column,
    text and iteration, the count per site pair, and whether the two iterations fall in different
    static chunks at 2, 4 and 8 threads. ``source`` says which layer found it (lint, replay)."""

    status: str = "not_run"  # "not_run", "clean", "races", "unchecked" (the replay could not run)
    reason: str = ""
    entries: list[dict] = field(default_factory=list)
    unchecked: list[dict] = field(default_factory=list)  # calls the replay cannot see into
    notes: list[str] = field(default_factory=list)
    inputs_checked: int = 0
    compile_seconds: float = 0.0
    replay_seconds: float = 0.0
    failure: dict | None = None  # the kernel failed inside the replay


@dataclass
class Timing(Serialisable):
    median_s: float
    ci_low_s: float
    ci_high_s: float
    samples: list[float]
    spread: float  # interquartile range / median
    noisy: bool


@dataclass
class Speedup(Serialisable):
    value: float
    ci_low: float
    ci_high: float
    significant: bool  # the confidence interval excludes 1
    label: str  # "1.31x", "0.84x (slower)" or "no speedup"


@dataclass
class ProfileResult(Serialisable):
    ran: bool
    size: int = 0
    threads: list[int] = field(default_factory=list)
    usable_cores: int = 0
    baseline: str = "numba"  # what vs_serial divides: "numba" (serial) or "python" (fallback)
    serial: Timing | None = None  # reference compiled serially with numba
    # the reference compiled serially with the candidate's code-generation flags (fastmath, ...):
    # None when the candidate has none (its flags are ``flags``)
    serial_same_flags: Timing | None = None
    flags: dict = field(default_factory=dict)
    python: Timing | None = None  # pure-Python reference
    candidate: dict[str, Timing] = field(default_factory=dict)  # by thread count
    # vs_serial{p}, vs_serial_same_flags{p} (the parallel gain), codegen (the flags' gain alone),
    # self{p}, vs_python
    speedup: dict[str, Any] = field(default_factory=dict)
    noisy: bool = False
    # numba's threading layer the candidate's threads ran under (omp; tbb for a dynamic schedule)
    threading_layer: str = ""
    # what parallelism can give on this machine: compute_speedup{p}, bandwidth_gbs{p}, ...
    ceiling: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    failure: Failure | None = None


@dataclass
class CodeLine(Serialisable):
    """One line of a loop's LLVM IR or assembly, and the candidate's source line it came from
    (None: code numba or LLVM added around the loop)."""

    text: str
    line: int | None = None


@dataclass
class LoopFinding(Serialisable):
    """Why a loop was not vectorised, or what still costs in one that was (cascade/compiled/findings.py)."""

    code: str  # "wraparound", "float_reduction", "call", "gather", "exception_path", ...
    title: str  # a few words: "signed index wraparound"
    line: int | None  # the source line of the expression
    expression: str  # that line's text
    text: str  # plain words
    fix: str  # the standard fix ("" when there is none)
    remark: str = ""  # LLVM's own words, when a remark said it


@dataclass
class CompiledLoop(Serialisable):
    """One innermost loop as LLVM compiled it."""

    line: int  # the source loop: the prange line, an inner for/while, or an array expression
    prange_line: int | None  # the parallel loop it runs in (None: a serial function)
    function: str
    role: str  # "parallel" (a gufunc of the kernel) or "serial" (the reference)
    status: str  # "vectorised", "not_vectorised", "no_loop" (a memset/memcpy)
    origin: str = "loop"  # "prange", "loop" (inside one), "array_expression"
    width: int | None = None  # vector lanes
    interleave: int | None = None  # vector iterations in flight (LLVM's interleave count)
    findings: list[LoopFinding] = field(default_factory=list)
    summary: str = ""  # the loop in one line, as parevo check prints it (findings.loop_summary)
    remarks: list[str] = field(default_factory=list)  # LLVM's remarks about this loop
    counts: dict[str, int] = field(default_factory=dict)  # per iteration: instructions, ...
    ir: list[CodeLine] = field(default_factory=list)
    asm: list[CodeLine] = field(default_factory=list)


@dataclass
class CompiledView(Serialisable):
    """The compiled view (cascade/compiled/): what numba and LLVM made of each loop."""

    status: str = "not_run"  # "analysed", "not_run", "failed"
    remarks: str = ""  # "llvm" (the vectoriser's remarks) or "ir_patterns" (the IR alone)
    loops: list[CompiledLoop] = field(default_factory=list)
    serial: list[CompiledLoop] = field(default_factory=list)  # the reference's, for comparison
    hoisted: list[str] = field(default_factory=list)  # what numba moved out of the loops
    consistent: bool | None = None  # the view's build vectorised as the candidate's own did
    cached: bool = False  # read back from beside the source (numba's cache held the kernel)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


@dataclass
class ProjectionPoint(Serialisable):
    """The projected speedup at one thread count and what limits it there."""

    threads: int
    speedup: float  # of the projection's kind (vs_serial or self)
    bound: str  # "work", "imbalance", "serial", "bandwidth" or "overhead"
    time_s: float = 0.0
    terms: dict[str, float] = field(default_factory=dict)  # seconds per bound
    detail: str = ""  # one sentence: what the bound is, in this kernel


def first_limit(points):
    """The first of ``points`` (ProjectionPoints, or their dicts as stored) limited by something
    other than the work itself, with its sentence: what every view of a projection quotes."""
    for point in points:
        bound, detail = (
            (point.get("bound"), point.get("detail"))
            if isinstance(point, dict)
            else (point.bound, point.detail)
        )
        if bound != "work" and detail:
            return point
    return None


@dataclass
class LoopWork(Serialisable):
    """One prange loop in the timed replay: its share of the serial time and, per schedule and
    thread count, each thread's share of the loop's work (the picture of load imbalance)."""

    line: int
    function: str
    entries: int  # parallel regions it opened on the bench input
    iterations: int
    share: float  # of the instrumented serial run's time
    bytes: int | None = None  # distinct cache lines touched x 64, summed over entries
    per_thread: dict[str, dict[str, list[float]]] = field(default_factory=dict)


@dataclass
class Projection(Serialisable):
    """Projected speedup to many threads from one timed serial replay (cascade/scaling/)."""

    status: str  # "projected" or "not_projected"
    reason: str = ""
    machine: str = ""
    # the kernel's own schedule, which ``points`` replay: "static" (numba's default) or
    # "dynamic" (it sets a chunk size and ran under TBB)
    schedule: str = "static"
    kind: str = "vs_serial"  # what ``speedup`` divides, as in ProfileResult.speedup
    points: list[ProjectionPoint] = field(default_factory=list)
    # a static kernel under the dynamic schedule (what it would gain); empty for a dynamic one
    dynamic: list[ProjectionPoint] = field(default_factory=list)
    loops: list[LoopWork] = field(default_factory=list)
    serial_fraction: float = 0.0
    regions: int = 0
    assumptions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    measured: dict = field(default_factory=dict)  # the timed replay, to project other machines


@dataclass
class Report(Serialisable):
    verdict: str
    summary: str
    task: dict
    candidate: dict
    compile: CompileResult | None = None
    verify: VerifyResult | None = None
    races: RacesResult = field(default_factory=RacesResult)
    profile: ProfileResult | None = None
    compiled: CompiledView | None = None  # the compiled view of each loop (cascade/compiled/)
    projection: Projection | None = None  # speedup projected beyond this machine (scaling/)
    # what the reference's outputs look like (cascade/behaviour.py), when the check asked
    behaviour: dict | None = None
    machine: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)  # wall seconds per stage, as the parent saw them
    sandbox: dict = field(default_factory=dict)  # stdout/stderr tails, exit statuses
    created: str = ""
    schema: int = SCHEMA_VERSION

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")

    def _repr_pretty_(self, printer, cycle) -> None:  # text/plain in a notebook: one line
        printer.text(f"Report({self.verdict}: {self.summary})")


MUTANT_STATUSES = ("killed", "survived", "equivalent", "stillborn")


@dataclass
class MutantResult(Serialisable):
    """One mutant of a task's reference and what the task's verification made of it.

    ``status``: ``killed`` (verification gave it a verdict other than ok), ``survived``
    (verification called it ok, yet an extra input from make_inputs tells it apart from the
    reference: the task's checks miss a case), ``equivalent`` (probably equivalent: it agreed with
    the reference on every extra input too; shown, never dropped), ``stillborn`` (it does not
    compile: not counted)."""

    id: str
    operator: str
    line: int
    description: str
    hint: str  # the input class a surviving mutant says is missing
    status: str
    verdict: str  # what verification said of it
    message: str  # why it was killed, or what told it apart, or how many inputs agreed
    case: VerifyCase | None = None  # the verification case that killed it
    probe: dict | None = None  # {"size", "seed", "message"}: the extra input that told it apart
    diff: str = ""  # unified diff against the task file
    path: str | None = None  # the mutant as a candidate file: parevo check TASK.py PATH
    seconds: float = 0.0

    def __post_init__(self):
        if self.status not in MUTANT_STATUSES:
            raise ValueError(f"unknown mutant status {self.status!r}")


@dataclass
class AuditReport(Serialisable):
    """``parevo audit``: how strong one task's verification is, measured by mutants.

    ``score`` = killed / (generated - stillborn - equivalent); None when nothing was measurable,
    with ``statement`` saying why."""

    task: dict
    mutants: list[MutantResult] = field(default_factory=list)
    counts: dict = field(default_factory=dict)  # generated, killed, survived, equivalent, stillborn
    score: float | None = None
    summary: str = ""  # one sentence: the score and the counts (every front end shows this one)
    statement: str | None = None
    probe_inputs: int = 0  # extra inputs each surviving mutant was tried on
    out: str | None = None  # the folder holding the mutant files
    machine: dict = field(default_factory=dict)
    seconds: float = 0.0
    created: str = ""
    schema: int = SCHEMA_VERSION

    @property
    def survivors(self) -> list[MutantResult]:
        return [m for m in self.mutants if m.status == "survived"]


def from_dict(cls, data: dict | None):
    """Rebuild a dataclass tree from ``to_dict`` output (for the store and the API)."""
    if data is None:
        return None
    hints = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for name, value in data.items():
        if name not in hints:
            continue
        kwargs[name] = _rebuild(hints[name].type, value)
    return cls(**kwargs)


_TYPES = {
    c.__name__: c
    for c in (
        SourceSite,
        CompileError,
        CompileWarning,
        ParallelLoop,
        CompileResult,
        VerifyCase,
        Failure,
        VerifyResult,
        RacesResult,
        Timing,
        Speedup,
        ProfileResult,
        MutantResult,
        CodeLine,
        LoopFinding,
        CompiledLoop,
        CompiledView,
        ProjectionPoint,
        LoopWork,
        Projection,
    )
}


def _rebuild(annotation: str, value: Any) -> Any:
    if value is None:
        return None
    ann = str(annotation).replace(" | None", "")
    if ann in _TYPES:
        return from_dict(_TYPES[ann], value)
    if ann.startswith("list[") and ann[5:-1] in _TYPES:
        return [from_dict(_TYPES[ann[5:-1]], v) for v in value]
    if ann.startswith("dict[str, ") and ann[10:-1] in _TYPES:
        return {k: from_dict(_TYPES[ann[10:-1]], v) for k, v in value.items()}
    return value
