"""The races stage in the child: lint, build and compile the replay, run it, read the shadow."""

from __future__ import annotations

import ast
import time
from pathlib import Path

from ...results import RacesResult
from ...task import fresh_copy, source_hash
from ..compile import is_prange, same_file_jits
from . import shadow
from .instrument import Instrumenter, ReplaySource
from .lint import lint_function

CHUNK_THREADS = (2, 4, 8)
EXAMPLES_SHOWN = 3


def run(session, function_name: str, inputs: list[tuple], threads: list[int], loops) -> RacesResult:
    """The races stage of the verify job (in the sandbox): ``inputs`` are argument tuples at the
    check size; ``loops`` the compile stage's ParallelLoops."""
    return analyse(
        session.candidate_module,
        session.job["candidate_module"],
        session.candidate_path,
        function_name,
        inputs,
        threads,
        loops,
        emit=session.emit,
        crash_file=shadow.CRASH_FILE,
    )


def check_function(function, *args, threads: int = 2) -> RacesResult:
    """Race-check any ``@njit`` function defined in a real file (a primitive, a helper of
    yours) on one set of arguments, in this process: lint + shadow replay."""
    import inspect
    import sys

    py_func = getattr(function, "py_func", function)
    module = sys.modules[py_func.__module__]
    path = Path(inspect.getsourcefile(py_func))
    return analyse(module, module.__name__, path, py_func.__name__, [args], [threads], [])


def analyse(
    module,
    module_name: str,
    path: Path,
    function_name: str,
    inputs: list[tuple],
    threads: list[int],
    loops,
    emit=None,
    crash_file: str | None = None,
) -> RacesResult:
    """Lint, build, compile and run the replay of ``module.function_name`` on each input."""
    import numba

    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    func = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function_name), None
    )
    result = RacesResult(status="clean", reason="")
    if func is None:
        result.status, result.reason = "not_run", f"`{function_name}` is not a top-level def"
        return result
    helpers = same_file_jits(module, path, tree)
    probe = Instrumenter(tree, source, helpers, max(threads))
    if not probe.has_prange(function_name):
        result.reason = "no parallel loop to check"
        return result
    for loop in loops:
        if loop.status in ("not_parallel", "serialised"):
            result.notes.append(
                f"the prange loop at line {loop.line} is {loop.status}: {loop.detail}"
            )

    loop_lints, findings = [], []
    for name in probe.reachable(function_name):  # the kernel and the helpers it calls
        node = probe.functions[name]
        if any(is_prange(n) for n in ast.walk(node)):
            more_loops, more_findings = lint_function(node)
            loop_lints += more_loops
            findings += more_findings
    lines = source.splitlines()
    for finding in findings:
        result.entries.append(_lint_entry(finding, lines))
    fused = any(loop.status == "fused" for loop in loops)  # then numba's lists are merged
    numba_reductions = {
        loop.line: set(loop.reductions) for loop in loops if loop.status == "parallel" and not fused
    }
    for lint in loop_lints:
        # Cross-check with numba's parfor metadata: what it privatises is what it calls a reduction.
        if lint.line in numba_reductions and set(lint.reductions) != numba_reductions[lint.line]:
            ours = ", ".join(lint.reductions) or "none"
            theirs = ", ".join(sorted(numba_reductions[lint.line])) or "none"
            result.notes.append(
                f"loop at line {lint.line}: the lint sees reductions {ours}, numba recognised "
                f"{theirs}: a variable numba does not privatise is shared by all threads"
            )
        if lint.indirect_writes:
            result.notes.append(
                f"loop at line {lint.line} writes {', '.join(f'`{a}`' for a in lint.indirect_writes)}"
                " through indices other than its loop variable: checked by the replay"
            )
        if lint.thread_id_indices:
            result.notes.append(
                f"loop at line {lint.line} indexes with get_thread_id()/get_num_threads() "
                f"(line {', '.join(map(str, lint.thread_id_indices))}): replayed with numba's "
                f"static schedule at {max(threads)} threads"
            )

    if emit is not None:
        emit.phase("compile", "compiling the race replay (serial, instrumented)", compile=True)
    started = time.perf_counter()
    try:
        entry, replay = build_replay(module, module_name, path, function_name, max(threads))
    except NotImplementedError as exc:
        result.status, result.reason = "unchecked", f"the replay cannot follow this kernel: {exc}"
        return _finish(result)
    result.unchecked = replay.unchecked
    try:
        entry.compile(
            _signature(entry, shadow.new_state(len(replay.sites), len(replay.loops)), inputs[0])
        )
    except Exception as exc:  # noqa: BLE001 - an instrumentation gap must not hide the verdict
        first = str(exc).strip().splitlines()
        result.status = "unchecked"
        result.reason = f"the race replay could not be compiled ({type(exc).__name__}: " + (
            f"{first[0][:200]})" if first else ")"
        )
        return _finish(result)
    result.compile_seconds = round(time.perf_counter() - started, 3)

    counts = None
    examples = []
    if emit is not None:
        # If the replay crashes, the parent maps the last site (kept in a mapped file) to a line.
        emit({"type": "replay_sites", "sites": [[x.line, x.text.strip()] for x in replay.sites]})
    # Code outside the loops that sizes buffers by get_num_threads() sees the simulated count.
    numba.set_num_threads(min(max(threads), numba.config.NUMBA_NUM_THREADS))
    for number, args in enumerate(inputs):
        state = shadow.new_state(len(replay.sites), len(replay.loops), file=crash_file)
        if emit is not None:
            emit.phase("races", f"race replay on input {number + 1} of {len(inputs)}")
        started = time.perf_counter()
        try:
            entry(state, *fresh_copy(args))
        except MemoryError as exc:
            result.status, result.reason = "unchecked", str(exc)
            return _finish(result)
        except Exception as exc:  # noqa: BLE001 - the candidate failed inside the replay
            last = shadow.decode(state)["last_site"]
            site = replay.sites[last] if last >= 0 else None
            result.failure = {
                "message": f"the kernel raised {type(exc).__name__} inside the race replay"
                + (f" near line {site.line}: `{site.text.strip()}`" if site else ""),
                "line": site.line if site else None,
            }
            result.status, result.reason = "unchecked", result.failure["message"]
            return _finish(result)
        result.replay_seconds += time.perf_counter() - started
        found = shadow.decode(state)
        counts = found["counts"].copy() if counts is None else counts + found["counts"]
        examples += [(row, found["bounds"]) for row in found["examples"].copy()]
        result.inputs_checked += 1
    result.replay_seconds = round(result.replay_seconds, 4)
    result.entries += _replay_entries(replay, counts, examples)
    return _finish(result)


def _signature(entry, state, args) -> tuple:
    """The replay's argument types: the state, the call's arguments, then omitted defaults."""
    import inspect

    import numba

    params = list(inspect.signature(entry.py_func).parameters.values())
    types = [numba.typeof(state), *(numba.typeof(a) for a in args)]
    types += [numba.types.Omitted(p.default) for p in params[len(types) :]]
    return tuple(types)


def _finish(result: RacesResult) -> RacesResult:
    if result.entries:
        result.status = "races"
        pairs = len(result.entries)
        result.reason = f"{pairs} conflicting pair{'s' if pairs > 1 else ''} of accesses"
    elif result.status == "clean" and not result.reason:
        result.reason = f"no conflicting accesses in {result.inputs_checked} replayed input(s)"
        if result.unchecked:
            result.reason += f"; {len(result.unchecked)} call(s) unchecked"
    return result


def build_replay(module, module_name: str, path: Path, function: str, threads: int):
    """The compiled replay of ``module.function`` (a candidate imported as ``module_name`` from
    ``path``) and the ReplaySource that maps its sites back to the candidate's lines."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    replay = Instrumenter(tree, source, same_file_jits(module, path, tree), threads).kernel(
        function
    )
    return _compile(module_name, path, replay), replay


def _compile(module_name: str, path: Path, replay: ReplaySource):
    """Write the replay to its own content-hash-named module, so numba's cache keeps it."""
    import importlib
    import sys

    from ...kernel import materialise

    shadow_source = Path(shadow.__file__).read_text(encoding="utf-8")
    header = (
        f"# race replay of {path.name}, shadow {source_hash(shadow_source)[:16]}\n"
        "import numba as _pr_numba\n"
        "import numpy as _pr_np\n"
        "from parevo_lab.cascade.races import shadow as _pr\n"
        "import importlib as _pr_importlib\n"
        # by name, not `import a.b as c`: a package may re-export a function named like its module
        f"_pr_candidate = _pr_importlib.import_module({module_name!r})\n"
        "globals().update({k: v for k, v in vars(_pr_candidate).items() if not k.startswith('__')})\n"
    )
    for function in replay.module.body:
        function.decorator_list = [ast.parse("_pr_numba.njit(cache=True)", mode="eval").body]
    directory, replay_module = materialise(header + ast.unparse(replay.module) + "\n", "replay")
    if str(directory) not in sys.path:  # the sandbox has it; an in-process check may not
        sys.path.insert(0, str(directory))
    return getattr(importlib.import_module(replay_module), replay.entry)


def _site_dict(site, iteration) -> dict:
    return {
        "line": site.line,
        "column": site.column,
        "text": site.text,
        "array": site.array,
        "access": site.access,
        "function": site.function,
        "iteration": iteration,
    }


def _replay_entries(replay: ReplaySource, counts, examples) -> list[dict]:
    """One entry per pair of sites (the kinds of conflict between them merged), most frequent
    first; its example is a pair of iterations that run on different threads at the smallest
    thread count where any recorded pair does (numba's static schedule), so the trace can be
    followed by hand."""
    if counts is None:
        return []
    grouped: dict[tuple[int, int], list] = {}
    for row, bounds in examples:
        key = (min(int(row[1]), int(row[2])), max(int(row[1]), int(row[2])))
        grouped.setdefault(key, []).append((row, bounds))

    def total(key):
        a, b = key
        return int(counts[:, a, b].sum() + (counts[:, b, a].sum() if a != b else 0))

    def threads_apart(row, bounds) -> int:
        """The smallest thread count at which the two iterations run on different threads."""
        loop = int(row[5])
        lo, hi = int(bounds[loop, 0]), int(bounds[loop, 1])
        apart = [
            p
            for p in CHUNK_THREADS
            if _chunk(int(row[3]), lo, hi, p) != _chunk(int(row[4]), lo, hi, p)
        ]
        return min(apart) if apart else 1 << 30

    entries = []
    for key, rows in sorted(grouped.items(), key=lambda kv: -total(kv[0])):
        rows.sort(key=lambda rb: (threads_apart(*rb), int(rb[0][3]), int(rb[0][4])))
        unique: dict[tuple, tuple] = {}  # one example per pair of iterations and element
        for r, b in rows:
            unique.setdefault((int(r[3]), int(r[4]), str(_index(r))), (r, b))
        shown = list(unique.values())
        first_row, bounds = rows[0]
        loop = int(first_row[5])
        lo, hi = int(bounds[loop, 0]), int(bounds[loop, 1])
        it_a, it_b = int(first_row[3]), int(first_row[4])
        site_a, site_b = replay.sites[int(first_row[1])], replay.sites[int(first_row[2])]
        kinds = sorted({shadow.KINDS[int(r[0])] for r, _ in rows})
        entries.append(
            {
                "source": "replay",
                "kind": " and ".join(kinds),
                "kinds": kinds,
                "example_kind": shadow.KINDS[int(first_row[0])],  # of the pair shown
                "array": site_b.array,
                "index": _index(first_row),
                "first": _site_dict(site_a, it_a),
                "second": _site_dict(site_b, it_b),
                "count": total(key),
                "loop_line": replay.loops[loop]["line"] if loop < len(replay.loops) else None,
                "different_chunks": {
                    str(p): _chunk(it_a, lo, hi, p) != _chunk(it_b, lo, hi, p)
                    for p in CHUNK_THREADS
                },
                "examples": [
                    {"index": _index(r), "iterations": [int(r[3]), int(r[4])]}
                    for r, _ in shown[:EXAMPLES_SHOWN]
                ],
            }
        )
    return entries


def _index(row) -> list[int] | dict:
    ndim = int(row[6])
    if ndim < 0:
        return {"element_offset": int(row[7])}
    return [int(v) for v in row[7 : 7 + ndim]]


def _chunk(it: int, lo: int, hi: int, threads: int) -> int:
    n = hi - lo
    return ((it - lo) * threads) // n if n > 0 else 0


def _lint_entry(finding, lines: list[str]) -> dict:
    def site(line, column):
        return {
            "line": line,
            "column": column,
            "text": lines[line - 1] if 0 < line <= len(lines) else "",
            "array": finding.variable,
            "access": "scalar",
            "function": "",
            "iteration": None,
        }

    return {
        "source": "lint",
        "kind": finding.kind,
        "array": finding.variable,
        "index": None,
        "first": site(*finding.first),
        "second": site(*finding.second),
        "count": 1,
        "loop_line": finding.loop_line,
        "different_chunks": None,
        "message": finding.message,
        "examples": [],
    }
